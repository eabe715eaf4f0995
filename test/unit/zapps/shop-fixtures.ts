// Throw-away shop folders for the loader tests.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { baseZApp, type Json } from './helpers.js';

/** The eight bytes every PNG starts with, and a little more. */
export const pngBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

export type FolderFiles = Record<string, string | Buffer | Json>;

/** A folder with one valid ZApp entry; `manifest` overrides the entry's fields. */
export function validFolder(entry: Record<string, Json> = {}, extra: FolderFiles = {}): FolderFiles {
  return {
    'manifest.json': { version: 1, zapps: [{ category: 'Tests', name: 'Spark test', description: 'zapp.json', readable_descr: 'README.md', parameters: [], ...entry }] },
    'zapp.json': baseZApp(),
    'README.md': '# Spark test\n\nA *small* ZApp.',
    'logo.png': pngBytes,
    ...extra,
  };
}

/** Creates a shop folder under a fresh temporary directory; returns the shop path. */
export async function makeShop(folders: Record<string, FolderFiles>): Promise<string> {
  const base = await mkdtemp(path.join(tmpdir(), 'zoe-shop-'));
  const shop = path.join(base, 'shop');
  await mkdir(shop);
  for (const [folder, files] of Object.entries(folders)) {
    await mkdir(path.join(shop, folder));
    for (const [name, content] of Object.entries(files)) {
      const data = typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
      await writeFile(path.join(shop, folder, name), data);
    }
  }
  return shop;
}
