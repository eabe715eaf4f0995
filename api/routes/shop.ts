// ZApp shop routes (spec §2): list the ZApps the caller's role may see, show one, serve its logo,
// and start it with parameter values. The application layer (executions/shop.ts) decides what a
// role sees; the shop is loaded once for these routes and kept fresh by executions/shop-cache.ts.
import type { Router } from '@koa/router';
import { listShop, shopLogo, showShopZApp, startShopZApp, type ShopDeps } from '../../executions/shop.js';
import { shopCache } from '../../executions/shop-cache.js';
import { ShopStartSchema } from '../../executions/schemas.js';
import { accountOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parseBody, parseShopId } from '../input.js';
import { shopDetailJson, shopListJson } from '../serialize.js';

/** Two weeks, as the original served logos. */
const logoCacheControl = 'public,max-age=1209600';

export function shopRoutes(router: Router, deps: ApiDeps): void {
  const shopDeps: ShopDeps = { ...deps, shop: shopCache({ dir: deps.config.zappShopPath, limits: deps.config.limits, log: deps.log.child('shop') }) };
  const logoUrl = (id: string) => `${router.opts.prefix ?? ''}/zapp_shop/${encodeURIComponent(id)}/logo`;

  router.get('/zapp_shop', async (ctx) => {
    ctx.body = shopListJson(await listShop(shopDeps, accountOf(ctx)), logoUrl);
  });

  router.get('/zapp_shop/:id', async (ctx) => {
    const account = accountOf(ctx);
    const zapp = await showShopZApp(shopDeps, account, parseShopId(ctx.params.id));
    ctx.body = shopDetailJson(zapp, logoUrl(zapp.id), account.role, deps.config.limits);
  });

  router.get('/zapp_shop/:id/logo', async (ctx) => {
    const logo = await shopLogo(shopDeps, accountOf(ctx), parseShopId(ctx.params.id));
    ctx.type = 'image/png';
    ctx.set('Cache-Control', logoCacheControl);
    ctx.body = logo;
  });

  router.post('/zapp_shop/:id/start', async (ctx) => {
    const id = parseShopId(ctx.params.id);
    const request = await parseBody(ctx, ShopStartSchema, 'start request');
    ctx.status = 201;
    ctx.body = { execution_id: await startShopZApp(shopDeps, accountOf(ctx), id, request) };
  });
}
