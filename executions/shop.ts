// The ZApp shop for a caller (spec §2): the ZApps their role may see, one of them, its logo, and
// starting it. A shop id is only ever looked up among the loaded ZApps, never turned into a path,
// so no id can reach another file; a ZApp the role may not see is "not found", like a missing one.
import { open, realpath } from 'node:fs/promises';
import { NotFound } from '../model/errors.js';
import type { AuthenticatedUser } from '../users/repository.js';
import { findShopZApp, isVisibleTo, visibleZApps, type Shop, type ShopProblem, type ShopRole, type ShopZApp } from '../zapps/shop/index.js';
import { maxShopFileBytes } from '../zapps/shop/safe-files.js';
import type { ExecutionDeps } from './deps.js';
import type { ShopStartRequest } from './schemas.js';
import { customisedZApp } from './shop-start.js';
import { submitExecution } from './submit.js';

/** The application's deps plus the current shop (`shopCache` in shop-cache.ts keeps it loaded). */
export interface ShopDeps extends ExecutionDeps {
  shop: () => Promise<Shop>;
}

function shopRole(account: AuthenticatedUser): ShopRole {
  return { name: account.role.name, canAccessFullShop: account.role.can_access_full_zapp_shop };
}

export interface ShopListing {
  zapps: ShopZApp[];
  /** Which folders failed to load, and why: for roles with the full shop (whoever maintains it). */
  problems?: ShopProblem[];
}

export async function listShop(deps: ShopDeps, account: AuthenticatedUser): Promise<ShopListing> {
  const shop = await deps.shop();
  const zapps = visibleZApps(shop, shopRole(account));
  return account.role.can_access_full_zapp_shop ? { zapps, problems: shop.problems } : { zapps };
}

export async function showShopZApp(deps: ShopDeps, account: AuthenticatedUser, id: string): Promise<ShopZApp> {
  const zapp = findShopZApp(await deps.shop(), id);
  if (zapp === undefined || !isVisibleTo(zapp, shopRole(account))) throw new NotFound(`ZApp ${id} in the shop`);
  return zapp;
}

/**
 * The logo the loader checked. It is read again only if it is still that same file: replaced by a
 * link since the shop was loaded, it is refused rather than followed.
 */
export async function shopLogo(deps: ShopDeps, account: AuthenticatedUser, id: string): Promise<Buffer> {
  const zapp = await showShopZApp(deps, account, id);
  const missing = () => new NotFound(`the logo of ZApp ${zapp.id}`);
  let real: string | undefined;
  try {
    real = await realpath(zapp.logoFile);
  } catch {
    real = undefined;
  }
  if (real !== zapp.logoFile) throw missing();
  const handle = await open(real, 'r');
  try {
    if ((await handle.stat()).size > maxShopFileBytes) throw missing();
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Starts a shop ZApp with the request's parameters and resources; returns the execution's id. */
export async function startShopZApp(deps: ShopDeps, account: AuthenticatedUser, id: string, request: ShopStartRequest): Promise<number> {
  const entry = await showShopZApp(deps, account, id);
  const application = customisedZApp(entry, request, account.role, deps.config.limits);
  return submitExecution(deps, account, { application, name: request.name });
}
