// The cluster's credentials, fresh at every start: a CA and an API server certificate whose names
// cover every way the server is reached (127.0.0.1 through the host port, the node address, the
// `kubernetes` Service), so clients verify TLS normally instead of skipping it; a service-account
// signing key; one static admin token (group system:masters); and the kubeconfig files.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './proc.js';

export interface Pki {
  dir: string;
  caCert: string;
  apiserverCert: string;
  apiserverKey: string;
  saKey: string;
  saPub: string;
  tokensCsv: string;
  token: string;
  caPem: string;
}

export function createPki(dir: string, names: { ips: string[]; dns: string[] }): Pki {
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => join(dir, name);
  const ec = (out: string) => sh('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]);
  ec(f('ca.key'));
  sh('openssl', ['req', '-x509', '-new', '-key', f('ca.key'), '-sha256', '-days', '3650', '-subj', '/CN=zoe-kubernetes-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature', '-out', f('ca.crt')]);
  ec(f('apiserver.key'));
  sh('openssl', ['req', '-new', '-key', f('apiserver.key'), '-subj', '/CN=kube-apiserver', '-out', f('apiserver.csr')]);
  const san = [...names.ips.map((ip) => `IP:${ip}`), ...names.dns.map((d) => `DNS:${d}`)].join(',');
  writeFileSync(f('apiserver.ext'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n` +
    `extendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  sh('openssl', ['x509', '-req', '-in', f('apiserver.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-set_serial', `0x${randomBytes(12).toString('hex')}`,
    '-days', '3650', '-sha256', '-extfile', f('apiserver.ext'), '-out', f('apiserver.crt')]);
  ec(f('sa.key'));
  sh('openssl', ['pkey', '-in', f('sa.key'), '-pubout', '-out', f('sa.pub')]);
  const token = randomBytes(24).toString('hex');
  writeFileSync(f('tokens.csv'), `${token},admin,admin-uid,system:masters\n`, { mode: 0o600 });
  return {
    dir, caCert: f('ca.crt'), apiserverCert: f('apiserver.crt'), apiserverKey: f('apiserver.key'),
    saKey: f('sa.key'), saPub: f('sa.pub'), tokensCsv: f('tokens.csv'), token, caPem: readFileSync(f('ca.crt'), 'utf8'),
  };
}

/** A kubeconfig with the CA inline and the admin token (mode 600: it is the cluster's admin login). */
export function writeKubeconfig(file: string, server: string, pki: Pki, name: string): void {
  const ca = Buffer.from(pki.caPem).toString('base64');
  writeFileSync(file, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${pki.token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    '    user: admin',
    `current-context: ${name}`,
    '',
  ].join('\n'), { mode: 0o600 });
}
