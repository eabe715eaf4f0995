// The workflow bundle's entry point: every workflow type the worker registers. Everything under
// workflows/ is replayed against the histories of executions already running: before changing it,
// record histories with the current code and keep them replaying (workflows/README.md).
export { executionWorkflow } from './execution/workflow.js';
export { schedulerWorkflow } from './scheduler/workflow.js';
