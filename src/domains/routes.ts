import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';

/** A workspace's sending domains: DKIM keys, the DNS records to publish, and their check. */
export function domainRoutes(_app: Api, _ctx: AppContext): void {}
