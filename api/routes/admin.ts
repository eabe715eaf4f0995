// User, role and quota administration routes (filled in by the administration work).
import type { Router } from '@koa/router';
import type { ApiDeps } from '../deps.js';

export function adminRoutes(_router: Router, _deps: ApiDeps): void {}
