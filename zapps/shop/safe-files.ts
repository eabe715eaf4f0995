// Opening files named by a manifest without ever leaving the shop folder. Names are checked for
// shape first (manifest.ts), then the real path (symbolic links resolved) must still lie inside
// the shop's real path: a `logo.png` that links to /etc/shadow is refused like `../x` is.
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Readmes and ZApp files are small; a bigger file is a mistake, not something to load. */
export const maxShopFileBytes = 1024 * 1024;

export class ShopFileError extends Error {
  override readonly name = 'ShopFileError';
}

/** Real path of `name` inside `folder`, which must resolve to a regular file inside `shopRoot`. */
export async function resolveShopFile(shopRoot: string, folder: string, name: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.join(folder, name));
  } catch (error) {
    throw new ShopFileError(`${name} is missing`, { cause: error });
  }
  if (!isInside(shopRoot, real)) throw new ShopFileError(`${name} points outside the shop folder`);
  const info = await stat(real);
  if (!info.isFile()) throw new ShopFileError(`${name} is not a regular file`);
  if (info.size > maxShopFileBytes) throw new ShopFileError(`${name} is larger than ${maxShopFileBytes} bytes`);
  return real;
}

/** Reads a file resolved by `resolveShopFile` as UTF-8 text. */
export async function readShopText(shopRoot: string, folder: string, name: string): Promise<string> {
  const file = await resolveShopFile(shopRoot, folder, name);
  const handle = await open(file, 'r');
  try {
    // Read at most the limit even if the file grew since it was checked.
    const buffer = Buffer.alloc(maxShopFileBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxShopFileBytes) throw new ShopFileError(`${name} is larger than ${maxShopFileBytes} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Resolves a logo and checks it starts like a PNG, since it is served as `image/png`. */
export async function resolveShopLogo(shopRoot: string, folder: string, name: string): Promise<string> {
  const file = await resolveShopFile(shopRoot, folder, name);
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(pngSignature.length);
    await handle.read(header, 0, header.length, 0);
    if (!header.equals(pngSignature)) throw new ShopFileError(`${name} is not a PNG image`);
  } finally {
    await handle.close();
  }
  return file;
}

/** Whether `candidate` (a real path) is `root` (a real path) or below it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
