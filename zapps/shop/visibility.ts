// Which shop ZApps a role sees (spec §2.2, `zshop_list_apps`).
import type { ShopZApp, Shop } from './load.js';

export interface ShopRole {
  name: string;
  /** The role's `can_access_full_zapp_shop`: sees everything, whatever the manifests say. */
  canAccessFullShop: boolean;
}

export const guestRoleName = 'guest';

/**
 * A role sees a ZApp unless its name is in `disabled_for`, or neither its name nor "all" is in
 * `enabled_for`. Manifests in the older format carry `guest_access` instead: there `true` lets the
 * guest role see the ZApp and `false` hides it from guests; `disabled_for` still wins when both exist.
 */
export function isVisibleTo(zapp: ShopZApp, role: ShopRole): boolean {
  if (role.canAccessFullShop) return true;
  if (zapp.disabledFor.includes(role.name)) return false;
  if (role.name === guestRoleName && zapp.guestAccess !== undefined) return zapp.guestAccess;
  return zapp.enabledFor.includes(role.name) || zapp.enabledFor.includes('all');
}

export function visibleZApps(shop: Shop, role: ShopRole): ShopZApp[] {
  return shop.zapps.filter((zapp) => isVisibleTo(zapp, role));
}
