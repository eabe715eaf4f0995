// Builds the local images the sample ZApps and the tests run, with no registry: each folder under
// zapps/images/ is a build context. An image is rebuilt only when its context changed (a content
// hash is kept as an image label).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type Docker from 'dockerode';
import { projectRoot } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { aptInstall } from './docker-engine.js';

export interface LocalImage {
  /** Reference the ZApps use; always tagged (the Docker back-end refuses untagged images). */
  reference: string;
  folder: string;
  /** Host files copied into the context before the build (binaries not kept in git). */
  hostFiles: Array<{ from: string; to: string; debianPackage: string }>;
}

export const LOCAL_IMAGES: LocalImage[] = [
  {
    reference: 'zoe-local/busybox:1',
    folder: join(projectRoot, 'zapps', 'images', 'busybox'),
    hostFiles: [{ from: '/bin/busybox', to: 'busybox', debianPackage: 'busybox-static' }],
  },
];

const HASH_LABEL = 'zoe.image.context-hash';

export async function ensureLocalImages(docker: Docker, log: Logger, images = LOCAL_IMAGES): Promise<void> {
  for (const image of images) {
    for (const file of image.hostFiles) {
      if (!existsSync(file.from)) aptInstall([file.debianPackage], log);
    }
    const hash = contextHash(image);
    const existing = await docker.getImage(image.reference).inspect().catch(() => undefined);
    if (existing?.Config?.Labels?.[HASH_LABEL] === hash) continue;
    log.info(`building image ${image.reference}`);
    await build(docker, image, hash);
  }
}

async function build(docker: Docker, image: LocalImage, hash: string): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'zoe-image-'));
  try {
    const files = listFiles(image.folder);
    for (const file of files) copyInto(join(image.folder, file), join(context, file));
    for (const extra of image.hostFiles) copyInto(extra.from, join(context, extra.to));
    const src = [...files, ...image.hostFiles.map((f) => f.to)];
    const stream = await docker.buildImage({ context, src }, { t: image.reference, labels: { [HASH_LABEL]: hash }, rm: true });
    const output = await new Promise<Array<{ error?: string }>>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, result: Array<{ error?: string }>) =>
        error ? reject(error) : resolve(result));
    });
    const failure = output.find((line) => line.error);
    if (failure) throw new Error(`building ${image.reference} failed: ${failure.error}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function contextHash(image: LocalImage): string {
  const hash = createHash('sha256');
  for (const file of listFiles(image.folder)) hash.update(file).update(readFileSync(join(image.folder, file)));
  for (const extra of image.hostFiles) hash.update(extra.to).update(readFileSync(extra.from));
  return hash.digest('hex').slice(0, 32);
}

function listFiles(folder: string, base = folder): string[] {
  return readdirSync(folder).sort().flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}

function copyInto(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
