import type { Api, AppContext } from '../http/context.js';

export function importRoutes(_app: Api, _ctx: AppContext): void {}
