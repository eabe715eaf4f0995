// PNG output: the SVG rendered by a headless Chromium, when one is installed. No browser is
// bundled (and none is downloaded): without Chromium, ask for .svg instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

/** Why PNG output is impossible here (the message to show), or undefined when Chromium is installed. */
export function chromiumMissing(chromium = CHROMIUM): string | undefined {
  return existsSync(chromium)
    ? undefined
    : `PNG output needs Chromium at ${chromium}, which is not installed: write the plot as .svg instead (or install the chromium package)`;
}

export class PngUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngUnavailableError';
  }
}

/**
 * Writes `svg` (of `width` × `height` pixels) to `outPath` as a PNG through
 * `chromium --headless --screenshot`. Throws `PngUnavailableError` when `chromium` does not exist
 * or produces no image.
 */
export function writePng(svg: string, width: number, height: number, outPath: string, chromium = CHROMIUM): void {
  const missing = chromiumMissing(chromium);
  if (missing !== undefined) throw new PngUnavailableError(missing);
  const dir = mkdtempSync(join(tmpdir(), 'zoe-plot-'));
  try {
    const page = join(dir, 'plot.html');
    writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;background:#fff}</style></head><body>${svg}</body></html>`);
    const target = resolve(outPath);
    rmSync(target, { force: true });
    const result = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--mute-audio',
      `--user-data-dir=${join(dir, 'profile')}`, `--window-size=${width},${height}`, `--screenshot=${target}`,
      pathToFileURL(page).href,
    ], { encoding: 'utf8', timeout: 120_000 });
    if (!existsSync(target) || statSync(target).size === 0) {
      const detail = (result.error?.message ?? result.stderr ?? '').trim().split('\n').slice(-3).join(' ');
      throw new PngUnavailableError(`Chromium did not write ${outPath}${detail ? `: ${detail}` : ''}; write the plot as .svg instead`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
