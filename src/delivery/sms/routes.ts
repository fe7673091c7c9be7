import type { AppContext } from '../../context.js';
import type { Api } from '../../http/api.js';
import { IdParams } from '../../http/schemas.js';
import { smsPreview } from './preview.js';
import { SmsPreview } from './schemas.js';

export function smsRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/campaigns/:id/sms-preview',
    { schema: { tags: ['campaigns'], summary: 'Characters, encoding and parts of an SMS campaign: a sample recipient and the longest over the audience', params: IdParams, response: { 200: SmsPreview } } },
    (req) => smsPreview(ctx, req.params.id),
  );
}
