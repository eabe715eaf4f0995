// Submitting an execution: validate the ZApp, check volumes, feasibility and quota, then store the
// records and start the workflow in one transaction. The row is committed only once Temporal has
// accepted the workflow, so a refused or failed submission leaves nothing behind.
import type { Client } from '@temporalio/client';
import { inTransaction } from '../db/pool.js';
import { checkFeasible } from '../scheduler/feasibility.js';
import type { HostCapacity } from '../scheduler/types.js';
import type { AuthenticatedUser } from '../users/repository.js';
import { validateZApp } from '../zapps/validate.js';
import { expandInstances } from '../zapps/instances.js';
import type { ZApp } from '../zapps/schema.js';
import { QuotaExceeded, Unavailable } from '../model/errors.js';
import { invalidInput } from '../model/input.js';
import type { Problem } from '../model/problems.js';
import { executionWorkflowId, schedulerWorkflowId, taskQueue } from '../model/naming.js';
import { snapshotQuery } from '../workflows/messages.js';
import { ZoeDeployment, ZoeOwner, ZoeState, ZoeZApp } from '../workflows/search-attributes.js';
import { capacitiesKnown } from '../workflows/scheduler/host-health.js';
import { requestOf } from '../model/instance.js';
import type { ExecutionDeps } from './deps.js';
import { executionInput, planInstances } from './plan.js';
import { quotaRefusal } from './quota.js';
import { activeUsage, insertExecution, insertServices } from './repository.js';
import type { StartRequest } from './schemas.js';

/** Problems with the ZApp of a start request: their paths are inside `application`. */
const inApplication = { what: 'ZApp', prefix: 'application' };

/**
 * Starts an execution of `request.application` for `account`; returns its id. The ZApp is
 * validated here (format and administrative limits), so a caller only checks the envelope.
 */
export async function submitExecution(deps: ExecutionDeps, account: AuthenticatedUser, request: StartRequest): Promise<number> {
  const validation = validateZApp(request.application, deps.config.limits);
  if (!validation.valid) throw invalidInput(inApplication, validation.errors);
  const zapp = validation.zapp;
  checkVolumes(zapp, deps.config.volumeAllowlist);
  const specs = expandInstances(zapp);
  await checkFeasibility(deps, zapp, specs);

  const submittedAt = new Date();
  return inTransaction(deps.pool, async (db) => {
    // One submission at a time per user: checking the quota and storing the execution are one
    // step, so concurrent requests cannot all pass the check before any of them is stored.
    await db.query('SELECT id FROM "user" WHERE id = $1 FOR UPDATE', [account.user.id]);
    const usage = await activeUsage(db, account.user.id);
    const refusal = quotaRefusal(account.quota, usage, specs, account.role.name === 'guest');
    if (refusal) throw new QuotaExceeded(refusal);
    const executionId = await insertExecution(db, { name: request.name, userId: account.user.id, description: zapp, submittedAt });
    const serviceIds = await insertServices(db, executionId, zapp, specs);
    const ctx = {
      executionId, executionName: request.name, deployment: deps.config.deployment,
      owner: { id: account.user.id, username: account.user.username, fsUid: account.user.fs_uid },
      fsGroupId: deps.config.fsGroupId, workspaceBase: deps.config.workspaceBase,
      runtimeLimitHours: account.quota.runtime_limit, submittedAt: submittedAt.getTime(),
    };
    const input = executionInput(zapp, planInstances(zapp, serviceIds, ctx), ctx);
    try {
      await deps.temporal.workflow.start('executionWorkflow', {
        workflowId: executionWorkflowId(deps.config.deployment, executionId),
        taskQueue: taskQueue(deps.config.deployment),
        args: [input],
        typedSearchAttributes: [
          { key: ZoeOwner, value: account.user.username },
          { key: ZoeZApp, value: zapp.name },
          { key: ZoeState, value: 'submitted' },
          { key: ZoeDeployment, value: deps.config.deployment },
        ],
      });
    } catch (error) {
      throw new Unavailable(`the workflow engine did not accept the execution (${(error as Error).message}); try again shortly`);
    }
    return executionId;
  });
}

/** ZApp volumes may mount only host paths an administrator allowed (ZOE_VOLUME_ALLOWLIST). */
function checkVolumes(zapp: ZApp, allowlist: string[]): void {
  const allowed = allowlist.length ? ` (allowed: ${allowlist.join(', ')})` : ' (none are allowed on this deployment)';
  const problems: Problem[] = [];
  zapp.services.forEach((service, s) => {
    service.volumes.forEach((volume, v) => {
      const permitted = allowlist.some((root) => volume.path === root || volume.path.startsWith(`${root.replace(/\/$/, '')}/`));
      if (!permitted || volume.path.split('/').includes('..')) {
        problems.push({
          path: `services[${s}].volumes[${v}].path`,
          message: `The host path ${volume.path} is not one an administrator allowed for ZApp volumes${allowed}.`,
        });
      }
    });
  });
  if (problems.length > 0) throw invalidInput(inApplication, problems);
}

/** The hosts the scheduler knows; right after start-up it may still be reading them, so wait a little. */
async function schedulerHosts(deps: ExecutionDeps): Promise<HostCapacity[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let hosts: HostCapacity[];
    try {
      hosts = await sharedHostQuery(deps.temporal, deps.config.deployment);
    } catch (error) {
      throw new Unavailable(error instanceof DeadlineExceeded
        ? 'the workflow engine does not answer; try again shortly'
        : 'the scheduler is not running yet (is the worker up?); try again shortly');
    }
    if (hosts.length > 0 || Date.now() > deadline) return hosts;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Host capacities change slowly: concurrent submissions share one query to the scheduler, and an
 * answer serves for a second, so a burst of submissions does not queue hundreds of queries.
 */
const hostQueries = new Map<string, { at: number; hosts: Promise<HostCapacity[]> }>();
function sharedHostQuery(temporal: Client, deployment: string): Promise<HostCapacity[]> {
  const cached = hostQueries.get(deployment);
  if (cached && Date.now() - cached.at < 1_000) return cached.hosts;
  const scheduler = temporal.workflow.getHandle(schedulerWorkflowId(deployment));
  const hosts = withDeadline(scheduler.query(snapshotQuery).then((s) => s.hosts), 20_000);
  hostQueries.set(deployment, { at: Date.now(), hosts });
  hosts.then((list) => {
    // An empty inventory (the scheduler still reading its hosts) is not worth keeping.
    if (list.length === 0) hostQueries.delete(deployment);
  }, () => hostQueries.delete(deployment));
  return hosts;
}

/** A request that cannot fit even on an empty pool is refused now rather than queued forever. */
async function checkFeasibility(deps: ExecutionDeps, zapp: ZApp, specs: ReturnType<typeof expandInstances>): Promise<void> {
  const hosts = await schedulerHosts(deps);
  if (!capacitiesKnown(hosts)) return; // not every host heard from yet: the scheduler refuses later if needed
  const verdict = checkFeasible({
    executionId: 0, submittedAt: 0, size: zapp.size,
    instances: specs.map(requestOf),
  }, hosts.map((h) => ({ ...h, online: true })));
  if (!verdict.feasible) {
    const service = zapp.services.findIndex((s) => specs.some((i) => i.instance === verdict.instance && i.service === s.name));
    throw invalidInput(inApplication, [{
      path: service >= 0 ? `services[${service}].resources` : '',
      message: `This execution can never run here: ${verdict.reason}`,
    }]);
  }
}

class DeadlineExceeded extends Error {}

/** A query to a Temporal server that is down retries its connection for a long time: bound it. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
