import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';

export function designRoutes(_app: Api, _ctx: AppContext): void {}
