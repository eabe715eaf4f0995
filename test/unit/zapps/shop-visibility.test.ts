import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVisibleTo, loadShop, visibleZApps, type ShopZApp } from '../../../zapps/shop/index.js';
import { withoutReferenceMaterial } from '../../helpers/reference.js';
import { limits, shopDir } from './helpers.js';

const skip = withoutReferenceMaterial(import.meta.url, "which of the original project's shop ZApps each role sees");

function entry(fields: Partial<ShopZApp>): ShopZApp {
  return { enabledFor: ['all'], disabledFor: [], ...fields } as ShopZApp;
}
const role = (name: string, canAccessFullShop = false) => ({ name, canAccessFullShop });

void describe('shop visibility', () => {
  void it('hides the contrib ZApps disabled for students, but not from admins', { skip }, async () => {
    const shop = await loadShop(shopDir, limits);
    assert.deepEqual(visibleZApps(shop, role('student')).map((z) => z.id), ['pydatasci-1', 'zapp-spark-1']);
    assert.equal(visibleZApps(shop, role('user')).length, 8);
    assert.equal(visibleZApps(shop, role('student', true)).length, 8);
  });

  void it('applies enabled_for and disabled_for (spec §2.2)', () => {
    assert.equal(isVisibleTo(entry({ enabledFor: ['staff'] }), role('user')), false);
    assert.equal(isVisibleTo(entry({ enabledFor: ['staff'] }), role('staff')), true);
    assert.equal(isVisibleTo(entry({ enabledFor: ['all'], disabledFor: ['user'] }), role('user')), false);
    assert.equal(isVisibleTo(entry({ enabledFor: ['user'], disabledFor: ['user'] }), role('user')), false);
    assert.equal(isVisibleTo(entry({ enabledFor: [] }), role('user')), false);
    assert.equal(isVisibleTo(entry({ enabledFor: [], disabledFor: ['admin'] }), role('admin', true)), true);
  });

  void it('honours the old guest_access flag for the guest role only', () => {
    assert.equal(isVisibleTo(entry({ guestAccess: true, enabledFor: ['staff'] }), role('guest')), true);
    assert.equal(isVisibleTo(entry({ guestAccess: false }), role('guest')), false);
    assert.equal(isVisibleTo(entry({ guestAccess: false }), role('user')), true);
    assert.equal(isVisibleTo(entry({ guestAccess: true, disabledFor: ['guest'] }), role('guest')), false);
    assert.equal(isVisibleTo(entry({}), role('guest')), true);
  });
});
