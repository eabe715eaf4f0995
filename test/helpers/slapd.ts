// A throwaway OpenLDAP server for the LDAP tests: Debian's slapd (installed with apt when missing,
// without the package's own daemon or configuration), a small slapd.conf (mdb back-end, the core,
// cosine, nis and inetorgperson schemas) in a temporary directory, listening on a random loopback
// port. Entries are loaded with ldapadd; stop() ends the daemon and removes the directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Slapd {
  url: string;
  baseDn: string;
  /** A service account that may search the directory (Zoe's ldap-bind-user). */
  bindDn: string;
  bindPassword: string;
  /** Applies LDIF change records (ldapmodify, `changetype` in each record). */
  modify(ldif: string): void;
  stop(): Promise<void>;
}

const SCHEMA_DIR = '/etc/ldap/schema';
const BASE_DN = 'dc=zoe,dc=test';
const ROOT_DN = `cn=root,${BASE_DN}`;

export function ensureSlapdInstalled(): void {
  if (existsSync('/usr/sbin/slapd') && existsSync('/usr/bin/ldapadd')) return;
  // Install the binaries only: no initial database and no daemon started by the package.
  spawnSync('debconf-set-selections', { input: 'slapd slapd/no_configuration boolean true\n', stdio: ['pipe', 'inherit', 'inherit'] });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Other installs may hold the dpkg lock for a while: wait for it rather than fail.
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600',
    '--no-install-recommends', 'slapd', 'ldap-utils'], { stdio: 'inherit', env });
  if (install().status === 0) return;
  spawnSync('apt-get', ['update', '-qq', '-o', 'DPkg::Lock::Timeout=600'], { stdio: 'inherit', env });
  if (install().status !== 0) throw new Error('apt-get install slapd ldap-utils failed');
}

function slapdConf(dir: string, rootPassword: string): string {
  return [
    ...['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    // Passwords: anyone may bind with them, nobody may read them. Everything else: bound users read.
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    'database mdb',
    'maxsize 10485760',
    `suffix "${BASE_DN}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, 'db')}`,
    '',
  ].join('\n');
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts slapd with the base entry, `ou=people`, `ou=groups`, a service account, and `ldif` on top. */
export async function startSlapd(ldif: string): Promise<Slapd> {
  ensureSlapdInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'zoe-slapd-'));
  mkdirSync(join(dir, 'db'));
  const rootPassword = `root-${Math.random().toString(36).slice(2)}`;
  const confFile = join(dir, 'slapd.conf');
  writeFileSync(confFile, slapdConf(dir, rootPassword), { mode: 0o600 });

  let child: ChildProcess | undefined;
  let url = '';
  let output = '';
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    url = `ldap://127.0.0.1:${port}/`;
    // -d 0: stay in the foreground (this process owns it), with no debug output.
    const candidate = spawn('/usr/sbin/slapd', ['-f', confFile, '-h', url, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    candidate.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    candidate.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && candidate.exitCode === null) {
      if (await portAnswers(port)) {
        child = candidate;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!child && candidate.exitCode === null) candidate.kill('SIGKILL');
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapd did not start:\n${output}`);
  }

  const bindDn = `cn=zoe-service,${BASE_DN}`;
  const bindPassword = `svc-${Math.random().toString(36).slice(2)}`;
  const ldapTool = (tool: string, records: string, extra: string[] = []): void => {
    const file = join(dir, `input-${Date.now()}-${Math.random().toString(36).slice(2)}.ldif`);
    writeFileSync(file, records);
    const result = spawnSync(tool, ['-x', '-H', url, '-D', ROOT_DN, '-w', rootPassword, ...extra, '-f', file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr}${result.stdout}`);
  };
  ldapTool('ldapadd', `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
dc: zoe
o: Zoe tests

dn: ou=people,${BASE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${BASE_DN}
objectClass: organizationalUnit
ou: groups

dn: ${bindDn}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: zoe-service
userPassword: ${bindPassword}

${ldif}`);

  const running = child;
  return {
    url,
    baseDn: BASE_DN,
    bindDn,
    bindPassword,
    modify: (records) => ldapTool('ldapmodify', records),
    stop: async () => {
      if (running.exitCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** LDIF for a posixAccount person under ou=people. */
export function personLdif(uid: string, password: string, gidNumber: number, uidNumber: number): string {
  return `dn: uid=${uid},ou=people,${BASE_DN}
objectClass: inetOrgPerson
objectClass: posixAccount
uid: ${uid}
cn: ${uid}
sn: ${uid}
mail: ${uid}@zoe.test
uidNumber: ${uidNumber}
gidNumber: ${gidNumber}
homeDirectory: /home/${uid}
userPassword: ${password}
`;
}

/** LDIF for a posixGroup under ou=groups listing members by uid. */
export function posixGroupLdif(cn: string, gidNumber: number, memberUids: string[]): string {
  return `dn: cn=${cn},ou=groups,${BASE_DN}
objectClass: posixGroup
cn: ${cn}
gidNumber: ${gidNumber}
${memberUids.map((m) => `memberUid: ${m}`).join('\n')}
`;
}
