import type { AppContext } from '../context.js';
import { READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { designFirst } from './check.js';
import { compileDesign } from './compile.js';
import { CompiledDesign, CompileRequest } from './schemas.js';

/** The designer's live preview: a design compiled exactly as a campaign with it would be, nothing stored. */
export function designRoutes(app: Api, _ctx: AppContext): void {
  app.post(
    '/api/designs/compile',
    {
      config: READ,
      ...designFirst,
      schema: { tags: ['designs'], summary: 'Compile a design to the email HTML it sends (merge tags kept)', body: CompileRequest, response: { 200: CompiledDesign } },
    },
    (req) => compileDesign(req.body.design),
  );
}
