import { defineProblems } from '../platform/problem/problem.exception.js';

export const ShopException = defineProblems('ShopException', {
  SHOP_NOT_FOUND: { status: 404, title: 'Shop not found' },
  SHOP_SLUG_TAKEN: { status: 409, title: 'Shop slug already in use' },
  API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  SUPERVISOR_REQUIRED: { status: 403, title: 'Only a supervisor of this shop or the admin may do this' },
});
