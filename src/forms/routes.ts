import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';

export function formRoutes(_app: Api, _ctx: AppContext): void {}
