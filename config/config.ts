// Configuration is read once, at start-up, from ZOE_* environment variables (as the original Zoe
// accepted ZOE_<OPTION>), validated by zod into one typed object, and passed down. Nothing else in
// the code reads process.env.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GiB, MiB } from '../model/units.js';

// Above config/config.ts, or above dist/config/config.js in the compiled build.
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith('.js') ? '../..' : '..');

/** The container back-ends Zoe can run on (ZOE_BACKEND). */
export const BACKEND_KINDS = ['docker'] as const;

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['true', 'false', 'yes', 'no', '1', '0'])
  .transform((value) => ['true', 'yes', '1'].includes(value));

const EnvSchema = z.object({
  ZOE_DATA_DIR: z.string().min(1).default(join(projectRoot, '.zoe-data')),
  ZOE_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, starting with a letter')
    .default('prod'),
  ZOE_LISTEN_ADDRESS: z.string().min(1).default('127.0.0.1'),
  ZOE_LISTEN_PORT: port.default(5001),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_PORT: port.default(8233),
  DATABASE_URL: z.string().url().optional(),
  ZOE_PG_PORT: port.default(55432),
  ZOE_AUTH_FILE: z.string().min(1).optional(),
  ZOE_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  ZOE_MAX_MEMORY_LIMIT: z.coerce.number().positive().default(64),
  ZOE_MAX_CORE_LIMIT: z.coerce.number().positive().default(16),
  ZOE_PUBLISH_ADDRESS: z.string().min(1).default('127.0.0.1'),
  ZOE_EXTERNAL_ADDRESS: z.string().min(1).default('127.0.0.1'),
  ZOE_WORKSPACE_BASE_PATH: z.string().min(1).optional(),
  ZOE_VOLUME_ALLOWLIST: z.string().default(''),
  ZOE_SERVICE_LOGS_PATH: z.string().min(1).optional(),
  ZOE_BACKEND: z.enum(BACKEND_KINDS).default('docker'),
  ZOE_LOG_MAX_SIZE: z.coerce.number().min(0.01).max(1024).default(10),
  ZOE_LOG_MAX_FILES: z.coerce.number().int().min(1).max(100).default(5),
  ZOE_LOG_KEEP_SIZE: z.coerce.number().min(0.01).max(1024).default(10),
  ZOE_LOG_STALL_TIMEOUT: z.coerce.number().positive().default(300),
  ZOE_READINESS_TIMEOUT: z.coerce.number().positive().default(120),
  ZOE_RECONCILE_INTERVAL: z.coerce.number().positive().default(300),
  ZOE_HOST_REFRESH_INTERVAL: z.coerce.number().positive().default(60),
  ZOE_HOST_LOSS_GRACE: z.coerce.number().positive().default(300),
  ZOE_FS_GROUP_ID: z.coerce.number().int().min(0).default(5001),
  ZOE_SCHEDULER_POLICY: z.enum(['FIFO', 'SIZE', 'DYNSIZE']).default('FIFO'),
  ZOE_PLACEMENT_POLICY: z.enum(['spread', 'pack', 'random', 'average', 'waterfill']).default('spread'),
  ZOE_COOKIE_SECRET: z.string().min(16).optional(),
  ZOE_ZAPP_SHOP_PATH: z.string().min(1).optional(),
  ZOE_HOSTS_FILE: z.string().min(1).optional(),
  ZOE_LDAP_SERVER_URI: z.string().min(1).optional(),
  ZOE_LDAP_BIND_USER: z.string().optional(),
  ZOE_LDAP_BIND_PASSWORD: z.string().optional(),
  ZOE_LDAP_BASE_DN: z.string().optional(),
  ZOE_LDAP_ADMIN_GID: z.coerce.number().int().default(5000),
  ZOE_LDAP_USER_GID: z.coerce.number().int().default(5001),
  ZOE_LDAP_GUEST_GID: z.coerce.number().int().default(5002),
  ZOE_LDAP_GROUP_NAME: z.string().min(1).default('gidNumber'),
  ZOE_DEBUG: flag.default(false),
});

export type PlacementName = 'spread' | 'pack' | 'random';

/** Which back-end runs the containers, with its own settings: discriminated on `kind`. */
export type BackendConfig = DockerBackendConfig;

export interface DockerBackendConfig {
  kind: 'docker';
  /** The original's INI host file; undefined: the single local engine. */
  hostsFile: string | undefined;
  /** The engine rotates each container's log (json-file `max-size` × `max-file`). */
  logRotation: { maxFileBytes: number; maxFiles: number };
}

export interface ZoeConfig {
  dataDir: string;
  deployment: string;
  api: { host: string; port: number };
  temporal: { address: string; namespace: string; uiPort: number };
  /** undefined: run the embedded PostgreSQL under the data directory. */
  databaseUrl: string | undefined;
  embeddedPostgresPort: number;
  authFile: string;
  adminPassword: string | undefined;
  limits: { maxMemoryBytes: number; maxCores: number };
  network: { publishAddress: string; externalAddress: string };
  fsGroupId: number;
  /** Workspaces live in `<base>/<deployment>/<user>`, mounted at /mnt/workspace. */
  workspaceBase: string;
  /** Host paths (and what lies under them) that ZApp volumes may mount; empty: none. */
  volumeAllowlist: string[];
  /** Service logs are kept in `<base>/<deployment>/<execution>/<instance>.txt` after containers go. */
  serviceLogsBase: string;
  /** The kept copy holds at most the last this many bytes of a service's output (the rest is cut, with a marker). */
  keptLogMaxBytes: number;
  /** A log reader that takes nothing for this long while output waits is disconnected. */
  logReaderStallMs: number;
  backend: BackendConfig;
  /** How long a startup group may take to accept connections on its declared ports. */
  readinessTimeoutMs: number;
  /** How often the worker removes containers that no live execution owns. */
  reconcileIntervalMs: number;
  /** How often the scheduler re-reads host capacities, and how long a silent host has before it is lost. */
  hostRefreshMs: number;
  hostLossGraceMs: number;
  policy: { queue: 'FIFO' | 'SIZE' | 'DYNSIZE'; placement: PlacementName };
  cookieSecret: string | undefined;
  /** Folder of ZApp folders (manifest.json version 1 each). */
  zappShopPath: string;
  /** LDAP authentication (the original's options); undefined when no server is configured. */
  ldap: LdapConfig | undefined;
  debug: boolean;
}

export interface LdapConfig {
  serverUri: string;
  bindUser: string;
  bindPassword: string;
  baseDn: string;
  adminGid: number;
  userGid: number;
  guestGid: number;
  /** The attribute whose value decides the role (the original's `ldap-group-name`). */
  groupName: string;
}

export class ConfigError extends Error {}

/** Parses the environment into the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ZoeConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.ZOE_DATA_DIR);
  return {
    dataDir,
    deployment: e.ZOE_DEPLOYMENT_NAME,
    api: { host: e.ZOE_LISTEN_ADDRESS, port: e.ZOE_LISTEN_PORT },
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, uiPort: e.TEMPORAL_UI_PORT },
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.ZOE_PG_PORT,
    authFile: e.ZOE_AUTH_FILE ?? join(dataDir, 'zoepass.csv'),
    adminPassword: e.ZOE_ADMIN_PASSWORD,
    limits: { maxMemoryBytes: e.ZOE_MAX_MEMORY_LIMIT * GiB, maxCores: e.ZOE_MAX_CORE_LIMIT },
    network: { publishAddress: e.ZOE_PUBLISH_ADDRESS, externalAddress: e.ZOE_EXTERNAL_ADDRESS },
    fsGroupId: e.ZOE_FS_GROUP_ID,
    workspaceBase: resolve(e.ZOE_WORKSPACE_BASE_PATH ?? join(dataDir, 'workspaces')),
    serviceLogsBase: resolve(e.ZOE_SERVICE_LOGS_PATH ?? join(dataDir, 'service-logs')),
    keptLogMaxBytes: Math.round(e.ZOE_LOG_KEEP_SIZE * MiB),
    logReaderStallMs: e.ZOE_LOG_STALL_TIMEOUT * 1000,
    backend: {
      kind: e.ZOE_BACKEND,
      hostsFile: e.ZOE_HOSTS_FILE === undefined ? undefined : resolve(e.ZOE_HOSTS_FILE),
      logRotation: { maxFileBytes: Math.round(e.ZOE_LOG_MAX_SIZE * MiB), maxFiles: e.ZOE_LOG_MAX_FILES },
    },
    readinessTimeoutMs: e.ZOE_READINESS_TIMEOUT * 1000,
    reconcileIntervalMs: e.ZOE_RECONCILE_INTERVAL * 1000,
    hostRefreshMs: e.ZOE_HOST_REFRESH_INTERVAL * 1000,
    hostLossGraceMs: e.ZOE_HOST_LOSS_GRACE * 1000,
    volumeAllowlist: e.ZOE_VOLUME_ALLOWLIST.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => resolve(p)),
    policy: { queue: e.ZOE_SCHEDULER_POLICY, placement: placementName(e.ZOE_PLACEMENT_POLICY) },
    cookieSecret: e.ZOE_COOKIE_SECRET,
    zappShopPath: resolve(e.ZOE_ZAPP_SHOP_PATH ?? join(projectRoot, 'zapps', 'sample-shop')),
    ldap: e.ZOE_LDAP_SERVER_URI === undefined ? undefined : {
      serverUri: e.ZOE_LDAP_SERVER_URI,
      bindUser: e.ZOE_LDAP_BIND_USER ?? '',
      bindPassword: e.ZOE_LDAP_BIND_PASSWORD ?? '',
      baseDn: e.ZOE_LDAP_BASE_DN ?? '',
      adminGid: e.ZOE_LDAP_ADMIN_GID,
      userGid: e.ZOE_LDAP_USER_GID,
      guestGid: e.ZOE_LDAP_GUEST_GID,
      groupName: e.ZOE_LDAP_GROUP_NAME,
    },
    debug: e.ZOE_DEBUG,
  };
}

/** The original's names (average, waterfill) are accepted as aliases. */
function placementName(value: string): PlacementName {
  if (value === 'average') return 'spread';
  if (value === 'waterfill') return 'pack';
  return value as PlacementName;
}
