import type { Principal } from '../platform/auth/principal.js';
import { ShopException } from './shop.problems.js';

/**
 * The one tenancy check for routes that name a shop (`/v1/shops/:shopId/...`): the admin may act on
 * any shop; a shop's own callers only on theirs, and another shop looks exactly like a missing one.
 */
export function assertShopAccess(principal: Principal, shopId: string, need: 'read' | 'manage'): void {
  if (principal.kind === 'admin') return;
  if (principal.shopId !== shopId) throw new ShopException('SHOP_NOT_FOUND', `No shop ${shopId}.`);
  if (need === 'manage' && !(principal.kind === 'agent' && principal.role === 'supervisor')) {
    throw new ShopException('SUPERVISOR_REQUIRED');
  }
}
