// Names shared by the API, the worker, the CLI and the workflows: one place, no string literals
// repeated across files.
export const taskQueue = (deployment: string): string => `zoe-${deployment}`;

/**
 * Watching running containers waits for hours: it has a task queue of its own, served with many
 * slots, so a pool full of long executions never starves the starts and records of new ones.
 */
export const watchTaskQueue = (deployment: string): string => `zoe-${deployment}-watch`;

/**
 * The scheduler's workflow tasks have a queue of their own: under a burst they do not wait behind
 * thousands of execution workflow tasks, and every execution waits on the scheduler.
 */
export const schedulerTaskQueue = (deployment: string): string => `zoe-${deployment}-scheduler`;

export const executionWorkflowId = (deployment: string, executionId: number): string =>
  `zoe-${deployment}-execution-${executionId}`;

export const schedulerWorkflowId = (deployment: string): string => `zoe-${deployment}-scheduler`;

/** Docker network private to one execution: its containers find each other by DNS name there. */
export const executionNetworkName = (deployment: string, executionId: number): string =>
  `zoe-${deployment}-${executionId}`;
