import type { Api, AppContext } from '../http/context.js';

/** Public tracking routes (/t/o, /t/c, /s, /u), bounce/complaint webhooks and campaign stats. */
export function trackingRoutes(_app: Api, _ctx: AppContext): void {}
