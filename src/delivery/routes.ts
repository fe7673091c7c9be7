import type { Api, AppContext } from '../http/context.js';

/** The local outbox (GET /api/outbox) and other delivery-facing routes. */
export function deliveryRoutes(_app: Api, _ctx: AppContext): void {}
