// Images for a cluster that cannot pull from any registry: the sandbox ("pause") image written
// offline as a docker-archive tar around the pause binary (what /work/shared's mkimage.py did, in
// TypeScript), and images copied from the local Docker Engine (`docker save`, through dockerode)
// into the cluster's own containerd, where pods use them with imagePullPolicy IfNotPresent or Never.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';

/** The sandbox image containerd's CRI is configured with (kubelet 1.36's default tag). */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10.1';

interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode?: number;
  content?: Buffer;
  linkname?: string;
}

/** A POSIX ustar archive: every field the importers read, times and owners zero (reproducible). */
export function tarArchive(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const header = Buffer.alloc(512);
    const content = entry.type === 'file' ? (entry.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const name = entry.type === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
    if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
    const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');
    header.write(name, 0, 100);
    header.write(octal(entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644), 8), 100, 8);
    header.write(octal(0, 8), 108, 8); // uid
    header.write(octal(0, 8), 116, 8); // gid
    header.write(octal(content.length, 12), 124, 12);
    header.write(octal(0, 12), 136, 12); // mtime
    header.write(' '.repeat(8), 148, 8); // checksum placeholder
    header.write(entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2', 156, 1);
    if (entry.linkname) header.write(entry.linkname, 157, 100);
    header.write('ustar\0' + '00', 257, 8);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, content);
    const pad = (512 - (content.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export interface ImageSpec {
  reference: string;
  files: Array<{ from: string; to: string }>;
  entrypoint?: string[];
  user?: string;
}

/** Writes a one-layer docker-archive image (importable with `ctr images import`) from host files. */
export function writeImageArchive(spec: ImageSpec, outFile: string): void {
  const entries: TarEntry[] = ['dev', 'etc', 'proc', 'sys', 'tmp'].map((name) => ({ name, type: 'dir' as const }));
  for (const file of spec.files) {
    entries.push({ name: file.to.replace(/^\/+/, ''), type: 'file', mode: statSync(file.from).mode & 0o7777, content: readFileSync(file.from) });
  }
  entries.push({ name: 'etc/passwd', type: 'file', content: Buffer.from('root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n') });
  entries.push({ name: 'etc/group', type: 'file', content: Buffer.from('root:x:0:\nnogroup:x:65534:\n') });
  const layer = tarArchive(entries);
  const layerDigest = sha256(layer);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/bin:/usr/bin:/sbin:/usr/sbin'],
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.user ? { User: spec.user } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
  }));
  const configDigest = sha256(config);
  const manifest = Buffer.from(JSON.stringify([{ Config: `${configDigest}.json`, RepoTags: [spec.reference], Layers: [`${layerDigest}/layer.tar`] }]));
  writeFileSync(outFile, tarArchive([
    { name: layerDigest, type: 'dir' },
    { name: `${layerDigest}/layer.tar`, type: 'file', content: layer },
    { name: `${configDigest}.json`, type: 'file', content: config },
    { name: 'manifest.json', type: 'file', content: manifest },
  ]));
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `ctr images import` into the k8s.io namespace (the one the CRI uses), from a file or a stream. */
export function ctrImport(socket: string, source: string | Readable): Promise<void> {
  const args = ['-a', socket, '-n', 'k8s.io', 'images', 'import', typeof source === 'string' ? source : '-'];
  return new Promise((resolve, reject) => {
    const child = spawn('ctr', args, { stdio: [typeof source === 'string' ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new Error(`ctr could not run (containerd package missing?): ${error.message}`)));
    if (typeof source !== 'string' && child.stdin) {
      source.once('error', (error) => {
        child.kill();
        reject(error);
      });
      child.stdin.on('error', () => undefined); // ctr failing early closes its stdin; its exit code reports it
      source.pipe(child.stdin);
    }
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ctr images import failed (exit ${code}): ${output.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}

/**
 * Copies an image from the local Docker Engine (DOCKER_HOST or the default socket) into the cluster's
 * containerd, unless the Docker image id is `alreadyImported`. Returns the Docker image id.
 */
export async function importFromDocker(socket: string, reference: string, alreadyImported?: string, docker = new Docker()): Promise<string> {
  const image = docker.getImage(reference);
  const info = await image.inspect().catch((error: Error) => {
    throw new Error(`cannot import ${reference} into Kubernetes: the local Docker Engine does not have it (${error.message}); ` +
      'build it first (stack/images.ts ensureLocalImages builds zoe-local/*).');
  });
  if (info.Id === alreadyImported) return info.Id;
  const stream = (await image.get()) as Readable;
  await ctrImport(socket, stream).catch((error: Error) => {
    throw new Error(`importing ${reference} into the cluster's containerd failed: ${error.message}`);
  });
  return info.Id;
}
