import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';
import { IdParams, Page } from '../http/schemas.js';
import { SmsPreview } from '../delivery/sms/schemas.js';
import { campaignSmsPreview, createCampaign, deleteCampaign, getCampaign, listCampaigns, updateCampaign } from './campaigns.js';
import { Campaign, CampaignCreate, CampaignPatch, CampaignQuery, Progress, SendRequest, TestSendRequest, TestSendResult } from './schemas.js';
import { campaignProgress, cancelCampaign, pauseCampaign, resumeCampaign, sendCampaign } from './sending.js';
import { sendTestEmails } from './testSend.js';

/** Campaign CRUD, send/pause/resume/cancel, test sends. */
export function campaignRoutes(app: Api, ctx: AppContext): void {
  const tags = ['campaigns'];
  app.post('/api/campaigns', { schema: { tags, body: CampaignCreate, response: { 201: Campaign } } }, async (req, reply) =>
    reply.status(201).send(await createCampaign(ctx, req.body)),
  );
  app.get('/api/campaigns', { schema: { tags, querystring: CampaignQuery, response: { 200: Page(Campaign) } } }, (req) =>
    listCampaigns(ctx, req.query),
  );
  app.get('/api/campaigns/:id', { schema: { tags, params: IdParams, response: { 200: Campaign } } }, (req) =>
    getCampaign(ctx, req.params.id),
  );
  app.patch('/api/campaigns/:id', { schema: { tags, params: IdParams, body: CampaignPatch, response: { 200: Campaign } } }, (req) =>
    updateCampaign(ctx, req.params.id, req.body),
  );
  app.delete('/api/campaigns/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await deleteCampaign(ctx, req.params.id);
    return reply.status(204).send();
  });
  app.get(
    '/api/campaigns/:id/sms-preview',
    { schema: { tags, summary: 'Characters, encoding and parts of an SMS campaign: a sample recipient and the longest over the audience', params: IdParams, response: { 200: SmsPreview } } },
    (req) => campaignSmsPreview(ctx, req.params.id),
  );

  const sending = { tags: ['sending'], params: IdParams, response: { 200: Campaign } };
  app.post(
    '/api/campaigns/:id/send',
    // No body at all means "now", like {}.
    { schema: { ...sending, body: SendRequest }, preValidation: async (req) => void (req.body ??= {}) },
    (req) => sendCampaign(ctx, req.params.id, req.body.at),
  );
  app.post('/api/campaigns/:id/pause', { schema: sending }, (req) => pauseCampaign(ctx, req.params.id));
  app.post('/api/campaigns/:id/resume', { schema: sending }, (req) => resumeCampaign(ctx, req.params.id));
  app.post('/api/campaigns/:id/cancel', { schema: sending }, (req) => cancelCampaign(ctx, req.params.id));
  app.get('/api/campaigns/:id/progress', { schema: { tags: ['sending'], params: IdParams, response: { 200: Progress } } }, (req) =>
    campaignProgress(ctx, req.params.id),
  );
  app.post(
    '/api/campaigns/:id/test',
    { schema: { tags: ['sending'], params: IdParams, body: TestSendRequest, response: { 200: TestSendResult } } },
    (req) => sendTestEmails(ctx, req.params.id, req.body.emails),
  );
}
