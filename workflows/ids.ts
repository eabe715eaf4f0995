// Names shared by the API, the worker, the CLI and the workflows: one place, no string literals
// repeated across files.
export const taskQueue = (deployment: string): string => `zoe-${deployment}`;

export const executionWorkflowId = (deployment: string, executionId: number): string =>
  `zoe-${deployment}-execution-${executionId}`;

export const schedulerWorkflowId = (deployment: string): string => `zoe-${deployment}-scheduler`;

/** Docker network private to one execution: its containers find each other by DNS name there. */
export const executionNetworkName = (deployment: string, executionId: number): string =>
  `zoe-${deployment}-${executionId}`;
