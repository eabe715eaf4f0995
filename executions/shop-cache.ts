// The loaded ZApp shop, shared by every request. Loading reads every manifest, ZApp file, readme
// and logo, so it is kept for a few seconds and loaded again after that: an administrator's edit
// to the shop folder shows within `maxAgeMs`, and no request waits for more than one load.
import type { Logger } from '../log/logger.js';
import { loadShop, type Shop } from '../zapps/shop/index.js';
import type { AdminLimits } from '../zapps/validate.js';

export interface ShopCacheOptions {
  dir: string;
  limits: AdminLimits;
  log: Logger;
  /** How long a loaded shop is served before the folder is read again. */
  maxAgeMs?: number;
  now?: () => number;
}

export const defaultShopMaxAgeMs = 3_000;

/** Returns the current shop, loading it again when it is older than `maxAgeMs`. */
export function shopCache(options: ShopCacheOptions): () => Promise<Shop> {
  const maxAgeMs = options.maxAgeMs ?? defaultShopMaxAgeMs;
  const now = options.now ?? Date.now;
  let current: { shop: Shop; loadedAt: number } | undefined;
  let loading: Promise<Shop> | undefined;
  let reported = new Set<string>();

  const load = async (): Promise<Shop> => {
    const shop = await loadShop(options.dir, options.limits);
    // Each problem is logged once, when it first appears, rather than at every reload.
    const problems = new Set(shop.problems.map((p) => `${p.folder}\0${p.reason}`));
    for (const problem of shop.problems) {
      if (!reported.has(`${problem.folder}\0${problem.reason}`)) {
        options.log.warn('a ZApp shop folder is unavailable', { shop: options.dir, folder: problem.folder, reason: problem.reason });
      }
    }
    reported = problems;
    current = { shop, loadedAt: now() };
    return shop;
  };

  return async () => {
    if (current !== undefined && now() - current.loadedAt < maxAgeMs) return current.shop;
    loading ??= load().finally(() => { loading = undefined; });
    return loading;
  };
}
