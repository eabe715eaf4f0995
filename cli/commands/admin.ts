// Administration commands, as the original zoe-admin.py named them: exec-rm, user-terminate and
// the quota-*, role-* and user-* commands, with its bugs fixed (quota-create and quota-update send
// runtime_limit, user-create offers ldap+sasl, user-terminate ends the user's executions: one API
// call, `DELETE /user/ID/executions`). Options are
// spelled with dashes (--runtime-limit); the original's underscore spellings (--runtime_limit) are
// accepted too. Tables for people, --json for scripts.
import { Argument, Option, type Command } from 'commander';
import { AUTH_SOURCES } from '../../users/sources.js';
import type { ZoeClient } from '../client.js';
import { CliError } from '../errors.js';
import { bytes, printJson, table } from '../output.js';

interface UserJson { id: number; username: string; email: string | null; fs_uid: number; priority: number; enabled: boolean; auth_source: string; role_id: number; quota_id: number }
interface RoleJson { id: number; name: string; [flag: `can_${string}`]: boolean }
interface QuotaJson { id: number; name: string; concurrent_executions: number; memory: number; cores: number; runtime_limit: number }

const ROLE_FLAGS = ['can_see_status', 'can_change_config', 'can_operate_others', 'can_delete_executions',
  'can_access_api', 'can_customize_resources', 'can_access_full_zapp_shop'] as const;
const ROLE_HEADERS = ['See status', 'Change config', 'Operate others', 'Delete execs', 'API access', 'Customize resources', 'Full shop'];

const usage = (message: string) => new CliError(message, 2);

function id(value: string, what = 'id'): number {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw usage(`${what} must be a positive integer, not ${JSON.stringify(value)}`);
  return Number(value);
}

function integer(what: string, min = 0) {
  return (value: string): number => {
    if (!/^-?[0-9]{1,16}$/.test(value) || Number(value) < min) throw usage(`${what} must be an integer of at least ${min}, not ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/** Bytes, plain or with a unit: 34359738368, 32GiB, 32G, 512MiB, 512M (powers of 1024). */
function byteCount(value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(value.trim());
  if (!match) throw usage(`memory must be a number of bytes such as 34359738368 or 32GiB, not ${JSON.stringify(value)}`);
  const power = ' KMGT'.indexOf((match[2] || ' ').toUpperCase());
  return Math.round(Number(match[1]) * 1024 ** power);
}

function boolean(what: string) {
  return (value: string): boolean => {
    const v = value.toLowerCase();
    if (['1', 'true', 'yes'].includes(v)) return true;
    if (['0', 'false', 'no'].includes(v)) return false;
    throw usage(`${what} must be 1 or 0 (true or false), not ${JSON.stringify(value)}`);
  };
}

/** An option both as --dash-name and as the original's hidden --under_score name. */
interface Field { key: string; flag: string; help: string; parse: (value: string) => unknown }

function addFields(command: Command, fields: Field[]): Command {
  for (const field of fields) {
    command.option(`--${field.flag} <value>`, field.help);
    if (field.flag !== field.key) command.addOption(new Option(`--${field.key} <value>`).hideHelp());
  }
  return command;
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The API body for the fields given on the command line. */
function changesFrom(opts: Record<string, unknown>, fields: Field[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const changes: Record<string, unknown> = { ...extra };
  for (const field of fields) {
    const raw = opts[camel(field.flag)] ?? opts[field.key];
    if (typeof raw === 'string') changes[field.key] = field.parse(raw);
  }
  if (Object.keys(changes).length === 0) throw usage(`nothing to change: give at least one of ${fields.map((f) => `--${f.flag}`).join(', ')}`);
  return changes;
}

const yesNo = (value: boolean | undefined) => (value ? 'yes' : 'no');
const limit = (value: number, show: (v: number) => string = String) => (value === 0 ? 'unlimited' : show(value));

function quotaTable(quotas: QuotaJson[]): string {
  return table(['ID', 'Name', 'Conc. executions', 'Memory', 'Cores', 'Runtime limit (h)'],
    quotas.map((q) => [q.id, q.name, limit(q.concurrent_executions), limit(q.memory, bytes), limit(q.cores), limit(q.runtime_limit)]));
}

function roleTable(roles: RoleJson[]): string {
  return table(['ID', 'Name', ...ROLE_HEADERS], roles.map((r) => [r.id, r.name, ...ROLE_FLAGS.map((f) => yesNo(r[f]))]));
}

function userTable(users: UserJson[], roles: Map<number, string>, quotas: Map<number, string>): string {
  return table(['ID', 'Username', 'Email', 'FS UID', 'Priority', 'Enabled', 'Auth source', 'Role', 'Quota'],
    users.map((u) => [u.id, u.username, u.email, u.fs_uid, u.priority, yesNo(u.enabled), u.auth_source,
      roles.get(u.role_id) ?? u.role_id, quotas.get(u.quota_id) ?? u.quota_id]));
}

const sorted = <T extends { id: number }>(map: Record<string, T>): T[] => Object.values(map).sort((a, b) => a.id - b.id);

export function registerAdminCommands(program: Command, client: () => ZoeClient): void {
  /** A role or quota given by id or by name. */
  async function resolve(kind: 'role' | 'quota', value: string): Promise<number> {
    if (/^[0-9]+$/.test(value)) return id(value, `${kind} id`);
    const found = sorted(await client().request<Record<string, { id: number }>>('GET', `/${kind}?name=${encodeURIComponent(value)}`));
    if (found.length === 0) throw new CliError(`there is no ${kind} named ${value} (see \`zoe ${kind}-ls\`)`);
    return found[0]!.id;
  }

  async function names(kind: 'role' | 'quota'): Promise<Map<number, string>> {
    return new Map(sorted(await client().request<Record<string, { id: number; name: string }>>('GET', `/${kind}`)).map((r) => [r.id, r.name]));
  }

  // ---- executions
  program.command('exec-rm').alias('rm')
    .description('delete the record of an ended execution (admins)')
    .argument('<id>', 'execution id')
    .action(async (execId: string) => {
      await client().request('DELETE', `/execution/delete/${id(execId)}`);
      console.log(`Execution ${execId} deleted.`);
    });

  program.command('user-terminate')
    .description('terminate every active execution of a user (roles that operate others\')')
    .argument('<user-id>', 'user id')
    .option('--json', 'print the ids of the executions asked to terminate')
    .action(async (userId: string, opts: { json?: boolean }) => {
      const { terminated } = await client().request<{ user_id: number; terminated: number[] }>('DELETE', `/user/${id(userId, 'user id')}/executions`);
      if (opts.json) return printJson({ user_id: Number(userId), terminated });
      console.log(terminated.length === 0 ? `User ${userId} has no active execution.`
        : `Terminating ${terminated.length} execution${terminated.length > 1 ? 's' : ''} of user ${userId}: ${terminated.join(', ')}`);
    });

  // ---- quotas
  const quotaFields: Field[] = [
    { key: 'name', flag: 'name', help: 'new name', parse: (v) => v },
    { key: 'concurrent_executions', flag: 'concurrent-executions', help: 'executions at a time (0: unlimited)', parse: integer('concurrent executions') },
    { key: 'memory', flag: 'memory', help: 'memory in bytes, or with a unit: 32GiB (0: unlimited)', parse: byteCount },
    { key: 'cores', flag: 'cores', help: 'cores (0: unlimited)', parse: integer('cores') },
    { key: 'runtime_limit', flag: 'runtime-limit', help: 'hours an execution may run (0: unlimited)', parse: integer('runtime limit') },
  ];

  program.command('quota-ls').description('list quotas')
    .option('--name <name>', 'only the quota with this name')
    .option('--json', 'print JSON')
    .action(async (opts: { name?: string; json?: boolean }) => {
      const quotas = sorted(await client().request<Record<string, QuotaJson>>('GET', `/quota${opts.name ? `?name=${encodeURIComponent(opts.name)}` : ''}`));
      if (opts.json) return printJson(quotas);
      console.log(quotas.length === 0 ? 'No quotas.' : quotaTable(quotas));
    });

  program.command('quota-get').description('show a quota')
    .argument('<id>', 'quota id').option('--json', 'print JSON')
    .action(async (quotaId: string, opts: { json?: boolean }) => {
      const { quota } = await client().request<{ quota: QuotaJson }>('GET', `/quota/${id(quotaId)}`);
      if (opts.json) return printJson(quota);
      console.log(quotaTable([quota]));
    });

  program.command('quota-create').description('create a quota (0 means unlimited)')
    .argument('<name>').argument('<concurrent_executions>').argument('<memory>', 'bytes, or with a unit: 32GiB')
    .argument('<cores>').argument('<runtime_limit>', 'hours')
    .option('--json', 'print the new id as JSON')
    .action(async (name: string, executions: string, memory: string, cores: string, runtime: string, opts: { json?: boolean }) => {
      const body = {
        name, concurrent_executions: integer('concurrent executions')(executions), memory: byteCount(memory),
        cores: integer('cores')(cores), runtime_limit: integer('runtime limit')(runtime),
      };
      const created = await client().request<{ quota_id: number }>('POST', '/quota', body);
      if (opts.json) return printJson(created);
      console.log(`New quota created with ID: ${created.quota_id}`);
    });

  program.command('quota-delete').description('delete a quota; its users get the default quota')
    .argument('<id>', 'quota id')
    .action(async (quotaId: string) => {
      await client().request('DELETE', `/quota/${id(quotaId)}`);
      console.log(`Quota ${quotaId} deleted.`);
    });

  addFields(program.command('quota-update').description('change a quota').argument('<id>', 'quota id'), quotaFields)
    .action(async (quotaId: string, opts: Record<string, unknown>) => {
      await client().request('POST', `/quota/${id(quotaId)}`, changesFrom(opts, quotaFields));
      console.log(`Quota ${quotaId} updated.`);
    });

  // ---- roles
  const flagFields: Field[] = ROLE_FLAGS.map((key) => ({ key, flag: key.replace(/_/g, '-'), help: '1 or 0', parse: boolean(key) }));

  program.command('role-ls').description('list roles')
    .option('--name <name>', 'only the role with this name')
    .option('--json', 'print JSON')
    .action(async (opts: { name?: string; json?: boolean }) => {
      const roles = sorted(await client().request<Record<string, RoleJson>>('GET', `/role${opts.name ? `?name=${encodeURIComponent(opts.name)}` : ''}`));
      if (opts.json) return printJson(roles);
      console.log(roles.length === 0 ? 'No roles.' : roleTable(roles));
    });

  program.command('role-get').description('show a role')
    .argument('<id>', 'role id').option('--json', 'print JSON')
    .action(async (roleId: string, opts: { json?: boolean }) => {
      const { role } = await client().request<{ role: RoleJson }>('GET', `/role/${id(roleId)}`);
      if (opts.json) return printJson(role);
      console.log(roleTable([role]));
    });

  const create = program.command('role-create').description('create a role; each capability is 1 or 0').argument('<name>');
  for (const flag of ROLE_FLAGS) create.argument(`<${flag}>`);
  create.option('--json', 'print the new id as JSON')
    .action(async (name: string, ...rest: unknown[]) => {
      const values = rest.slice(0, ROLE_FLAGS.length) as string[];
      const opts = rest[ROLE_FLAGS.length] as { json?: boolean };
      const body = { name, ...Object.fromEntries(ROLE_FLAGS.map((flag, i) => [flag, boolean(flag)(values[i]!)])) };
      const created = await client().request<{ role_id: number }>('POST', '/role', body);
      if (opts.json) return printJson(created);
      console.log(`New role created with ID: ${created.role_id}`);
    });

  program.command('role-delete').description('delete a role; its users get the user role')
    .argument('<id>', 'role id')
    .action(async (roleId: string) => {
      await client().request('DELETE', `/role/${id(roleId)}`);
      console.log(`Role ${roleId} deleted.`);
    });

  const roleFields: Field[] = [{ key: 'name', flag: 'name', help: 'new name', parse: (v) => v }, ...flagFields];
  addFields(program.command('role-update').description('change a role').argument('<id>', 'role id'), roleFields)
    .action(async (roleId: string, opts: Record<string, unknown>) => {
      await client().request('POST', `/role/${id(roleId)}`, changesFrom(opts, roleFields));
      console.log(`Role ${roleId} updated.`);
    });

  // ---- users
  program.command('user-ls').description('list users')
    .option('--username <name>').option('--enabled <0|1>').option('--auth-source <source>')
    .addOption(new Option('--auth_source <source>').hideHelp())
    .option('--role <name>', 'only users with this role (name or id)').option('--quota <name>', 'only users with this quota (name or id)')
    .option('--json', 'print JSON')
    .action(async (opts: { username?: string; enabled?: string; authSource?: string; auth_source?: string; role?: string; quota?: string; json?: boolean }) => {
      const query = new URLSearchParams();
      if (opts.username) query.set('username', opts.username);
      if (opts.enabled) query.set('enabled', boolean('--enabled')(opts.enabled) ? 'True' : 'False');
      const source = opts.authSource ?? opts.auth_source;
      if (source) query.set('auth_source', source);
      if (opts.role) query.set('role_id', String(await resolve('role', opts.role)));
      if (opts.quota) query.set('quota_id', String(await resolve('quota', opts.quota)));
      const users = sorted(await client().request<Record<string, UserJson>>('GET', `/user${query.size ? `?${query.toString()}` : ''}`));
      if (opts.json) return printJson(users);
      console.log(users.length === 0 ? 'No users.' : userTable(users, await names('role'), await names('quota')));
    });

  program.command('user-get').description('show a user')
    .argument('<id>', 'user id').option('--json', 'print JSON')
    .action(async (userId: string, opts: { json?: boolean }) => {
      const { user } = await client().request<{ user: UserJson }>('GET', `/user/${id(userId)}`);
      if (opts.json) return printJson(user);
      const [{ role }, { quota }] = await Promise.all([
        client().request<{ role: RoleJson }>('GET', `/role/${user.role_id}`),
        client().request<{ quota: QuotaJson }>('GET', `/quota/${user.quota_id}`),
      ]);
      console.log(userTable([user], new Map([[role.id, role.name]]), new Map([[quota.id, quota.name]])));
    });

  program.command('user-create').description('create a user')
    .argument('<username>').argument('<email>')
    .addArgument(new Argument('<auth_source>').choices(AUTH_SOURCES))
    .argument('<fs_uid>', 'file-system uid of the workspace (-1: the next free one)')
    .argument('<role>', 'role name or id').argument('<quota>', 'quota name or id')
    .option('--password <password>', 'password of an internal user')
    .option('--json', 'print the new id as JSON')
    .action(async (username: string, email: string, authSource: string, fsUid: string, role: string, quota: string, opts: { password?: string; json?: boolean }) => {
      const body: Record<string, unknown> = {
        username, email, auth_source: authSource, fs_uid: integer('fs_uid', -1)(fsUid),
        role_id: await resolve('role', role), quota_id: await resolve('quota', quota),
      };
      if (opts.password !== undefined) body.password = opts.password;
      const created = await client().request<{ user_id: number }>('POST', '/user', body);
      if (opts.json) return printJson(created);
      console.log(`New user created with ID: ${created.user_id}`);
    });

  program.command('user-delete').description('delete a user and the records of its executions')
    .argument('<id>', 'user id')
    .action(async (userId: string) => {
      await client().request('DELETE', `/user/${id(userId)}`);
      console.log(`User ${userId} deleted.`);
    });

  const userFields: Field[] = [
    { key: 'email', flag: 'email', help: 'e-mail address', parse: (v) => v },
    { key: 'fs_uid', flag: 'fs-uid', help: 'file-system uid', parse: integer('fs_uid') },
    { key: 'password', flag: 'password', help: 'new password (internal users)', parse: (v) => v },
    { key: 'enabled', flag: 'enabled', help: 'true or false', parse: boolean('enabled') },
    { key: 'auth_source', flag: 'auth-source', help: AUTH_SOURCES.join(', '), parse: (v) => v },
    { key: 'priority', flag: 'priority', help: 'priority (stored, unused by the scheduler)', parse: integer('priority', -32768) },
    { key: 'role_id', flag: 'role-id', help: 'role id', parse: (v) => id(v, 'role id') },
    { key: 'quota_id', flag: 'quota-id', help: 'quota id', parse: (v) => id(v, 'quota id') },
  ];
  addFields(program.command('user-update').description('change a user').argument('<id>', 'user id'), userFields)
    .option('--role <name>', 'role name (instead of --role-id)').option('--quota <name>', 'quota name (instead of --quota-id)')
    .action(async (userId: string, opts: Record<string, unknown>) => {
      const named: Record<string, unknown> = {};
      if (typeof opts.role === 'string') named.role_id = await resolve('role', opts.role);
      if (typeof opts.quota === 'string') named.quota_id = await resolve('quota', opts.quota);
      await client().request('POST', `/user/${id(userId)}`, changesFrom(opts, userFields, named));
      console.log(`User ${userId} updated.`);
    });
}
