// The workflow bundle's entry point: every workflow type the worker registers.
export { executionWorkflow } from './execution/workflow.js';
export { schedulerWorkflow } from './scheduler/workflow.js';
