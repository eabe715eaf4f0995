// How a stopped instance is reported, the same for every back-end: the execution's reason names
// the service, its exit code and an OOM kill when that was the cause, whatever ran the container.
import type { ExitReport } from './contract.js';

export function describeExit(instance: string, exitCode: number, oomKilled: boolean): ExitReport {
  const cause = oomKilled ? ' (killed: out of memory; raise its memory reservation)' : '';
  return { instance, exitCode, oomKilled, description: `essential service ${instance} exited with code ${exitCode}${cause}` };
}

/** An instance whose container is gone although Zoe did not remove it: stopped, exit code -1. */
export function vanishedExit(instance: string): ExitReport {
  return { instance, exitCode: -1, oomKilled: false, description: `essential service ${instance} disappeared (its container was removed outside Zoe)` };
}
