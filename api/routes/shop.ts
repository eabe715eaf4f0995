// ZApp shop routes (spec §2): list the ZApps the caller's role may see, show one, serve its logo,
// and start it with parameter values. A shop id names a ZApp the loader found; it is only ever
// looked up among the loaded ZApps, never turned into a path, so no id can reach another file.
import { open, realpath } from 'node:fs/promises';
import type { Router, RouterContext } from '@koa/router';
import { submitExecution } from '../../executions/submit.js';
import { findShopZApp, isVisibleTo, visibleZApps, type ShopRole, type ShopZApp } from '../../zapps/shop/index.js';
import { maxShopFileBytes } from '../../zapps/shop/safe-files.js';
import type { AuthenticatedUser } from '../../users/repository.js';
import { accountOf } from '../auth.js';
import { readJson } from '../body.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import { shopCache } from './shop-cache.js';
import { customisedZApp, parseStartRequest } from './shop-start.js';
import { DEFAULT_CORES, GiB } from '../../model/units.js';

/** `<folder>-<index>`: the loader's folder names (lowercase, digits, '_', '.', '-') and an index. */
const shopIdPattern = /^[0-9a-z][0-9a-z_.-]{0,254}-[0-9]{1,6}$/;

/** Two weeks, as the original served logos. */
const logoCacheControl = 'public,max-age=1209600';

export function parseShopId(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : '';
  if (!shopIdPattern.test(text)) {
    throw badRequest(`${JSON.stringify(text.slice(0, 80))} is not a valid ZApp shop id: expected <folder>-<number>, like zapp-spark-0`, 'id');
  }
  return text;
}

function shopRole(account: AuthenticatedUser): ShopRole {
  return { name: account.role.name, canAccessFullShop: account.role.can_access_full_zapp_shop };
}

export function shopRoutes(router: Router, deps: ApiDeps): void {
  const currentShop = shopCache({ dir: deps.config.zappShopPath, limits: deps.config.limits, log: deps.log.child('shop') });
  const logoUrl = (id: string) => `${router.opts.prefix ?? ''}/zapp_shop/${encodeURIComponent(id)}/logo`;

  /** The shop ZApp if the caller's role may see it; one it may not see is "not found", like a missing one. */
  async function visibleZApp(ctx: RouterContext): Promise<ShopZApp> {
    const id = parseShopId(ctx.params.id);
    const zapp = findShopZApp(await currentShop(), id);
    if (zapp === undefined || !isVisibleTo(zapp, shopRole(accountOf(ctx)))) throw notFound(`ZApp ${id} in the shop`);
    return zapp;
  }

  const summary = (zapp: ShopZApp) => ({
    id: zapp.id,
    category: zapp.category,
    name: zapp.name,
    readme_html: zapp.readmeHtml,
    logo_url: logoUrl(zapp.id),
    parameters: zapp.parameters,
  });

  router.get('/zapp_shop', async (ctx) => {
    const account = accountOf(ctx);
    const shop = await currentShop();
    const body: Record<string, unknown> = { zapps: visibleZApps(shop, shopRole(account)).map(summary) };
    // Which folders failed to load, and why, is for whoever maintains the shop.
    if (account.role.can_access_full_zapp_shop) body.problems = shop.problems;
    ctx.body = body;
  });

  router.get('/zapp_shop/:id', async (ctx) => {
    const zapp = await visibleZApp(ctx);
    const role = accountOf(ctx).role;
    ctx.body = {
      ...summary(zapp),
      services: zapp.zapp.services.map((service) => ({
        name: service.name,
        image: service.image,
        monitor: service.monitor,
        essential_count: service.essential_count,
        total_count: service.total_count,
        resources: {
          memory_bytes: service.resources.memory.min,
          memory_gib: service.resources.memory.min / GiB,
          cores: service.resources.cores.min ?? DEFAULT_CORES,
        },
      })),
      can_customize: role.can_customize_resources,
      limits: { max_memory_gib: deps.config.limits.maxMemoryBytes / GiB, max_cores: deps.config.limits.maxCores },
      zapp: zapp.zapp,
    };
  });

  router.get('/zapp_shop/:id/logo', async (ctx) => {
    const zapp = await visibleZApp(ctx);
    ctx.type = 'image/png';
    ctx.set('Cache-Control', logoCacheControl);
    ctx.body = await readLogo(zapp);
  });

  router.post('/zapp_shop/:id/start', async (ctx) => {
    const zapp = await visibleZApp(ctx);
    const request = parseStartRequest(await readJson(ctx));
    const account = accountOf(ctx);
    const application = customisedZApp(zapp, request, account.role, deps.config.limits);
    const id = await submitExecution(deps, account, { application, name: request.name });
    ctx.status = 201;
    ctx.body = { execution_id: id };
  });
}

/**
 * The logo the loader checked. It is read again only if it is still that same file: replaced by a
 * link since the shop was loaded, it is refused rather than followed.
 */
async function readLogo(zapp: ShopZApp): Promise<Buffer> {
  let real: string | undefined;
  try {
    real = await realpath(zapp.logoFile);
  } catch {
    real = undefined;
  }
  if (real !== zapp.logoFile) throw notFound(`the logo of ZApp ${zapp.id}`);
  const handle = await open(real, 'r');
  try {
    if ((await handle.stat()).size > maxShopFileBytes) throw notFound(`the logo of ZApp ${zapp.id}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
