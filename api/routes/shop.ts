// ZApp shop routes (filled in by the shop work).
import type { Router } from '@koa/router';
import type { ApiDeps } from '../deps.js';

export function shopRoutes(_router: Router, _deps: ApiDeps): void {}
