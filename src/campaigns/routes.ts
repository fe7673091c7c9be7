import { EDIT, READ, SEND } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams, Page } from '../http/schemas.js';
import { SmsPreview } from '../delivery/sms/schemas.js';
import { campaignSmsPreview, createCampaign, deleteCampaign, getCampaign, listCampaigns, updateCampaign } from './campaigns.js';
import { pickWinner } from './abTest.js';
import { campaignChecks } from './checks.js';
import { campaignPreviews, PreviewQuery, PreviewResult } from './previews.js';
import { Campaign, CampaignCreate, CampaignPatch, CampaignQuery, CheckResult, Progress, SendRequest, TestSendRequest, TestSendResult, WinnerRequest } from './schemas.js';
import { campaignProgress, cancelCampaign, pauseCampaign, resumeCampaign, sendCampaign } from './sending.js';
import { sendTestEmails } from './testSend.js';
import { designFirst } from '../designs/check.js';
import { archiveCampaign, duplicateCampaign, unarchiveCampaign } from './duplicate.js';
import { dashboard } from './dashboard.js';
import { Dashboard } from './dashboardSchemas.js';

/** Campaign CRUD, send/pause/resume/cancel, test sends; each in the caller's workspace (req.ctx). */
export function campaignRoutes(app: Api): void {
  const tags = ['campaigns'];
  app.post('/api/campaigns', { config: EDIT, ...designFirst, schema: { tags, body: CampaignCreate, response: { 201: Campaign } } }, async (req, reply) =>
    reply.status(201).send(await createCampaign(req.ctx, req.body)),
  );
  app.get('/api/campaigns', { config: READ, schema: { tags, querystring: CampaignQuery, response: { 200: Page(Campaign) } } }, (req) =>
    listCampaigns(req.ctx, req.query),
  );
  app.get('/api/campaigns/:id', { config: READ, schema: { tags, params: IdParams, response: { 200: Campaign } } }, (req) =>
    getCampaign(req.ctx, req.params.id),
  );
  app.patch('/api/campaigns/:id', { config: EDIT, ...designFirst, schema: { tags, params: IdParams, body: CampaignPatch, response: { 200: Campaign } } }, (req) =>
    updateCampaign(req.ctx, req.params.id, req.body),
  );
  app.delete('/api/campaigns/:id', { config: EDIT, schema: { tags, params: IdParams } }, async (req, reply) => {
    await deleteCampaign(req.ctx, req.params.id);
    return reply.status(204).send();
  });
  app.get(
    '/api/campaigns/:id/sms-preview',
    {
      config: READ,
      schema: { tags, summary: 'Characters, encoding and parts of an SMS campaign: a sample recipient and the longest over the audience', params: IdParams, response: { 200: SmsPreview } },
    },
    (req) => campaignSmsPreview(req.ctx, req.params.id),
  );

  app.post(
    '/api/campaigns/:id/duplicate',
    { config: EDIT, schema: { tags, summary: 'A draft copy: content, design, A/B test and lists, never the audience snapshot or results', params: IdParams, response: { 201: Campaign } } },
    async (req, reply) => reply.status(201).send(await duplicateCampaign(req.ctx, req.params.id)),
  );
  app.post(
    '/api/campaigns/:id/archive',
    { config: EDIT, schema: { tags, summary: 'Hides a sent or cancelled campaign from the list', params: IdParams, response: { 200: Campaign } } },
    (req) => archiveCampaign(req.ctx, req.params.id),
  );
  app.post('/api/campaigns/:id/unarchive', { config: EDIT, schema: { tags, params: IdParams, response: { 200: Campaign } } }, (req) =>
    unarchiveCampaign(req.ctx, req.params.id),
  );
  app.get(
    '/api/dashboard',
    { config: READ, schema: { tags, summary: 'Recent campaigns with their human rates, audience growth over 30 days, what is sending now', response: { 200: Dashboard } } },
    (req) => dashboard(req.ctx),
  );

  const sending = { tags: ['sending'], params: IdParams, response: { 200: Campaign } };
  app.post(
    '/api/campaigns/:id/send',
    // No body at all means "now", like {}.
    { config: SEND, schema: { ...sending, body: SendRequest }, preValidation: async (req) => void (req.body ??= {}) },
    (req) => sendCampaign(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/campaigns/:id/ab/winner',
    { config: SEND, schema: { ...sending, summary: "Ends an A/B test now: the variant goes to the rest of the audience", body: WinnerRequest } },
    (req) => pickWinner(req.ctx, req.params.id, req.body.variant),
  );
  app.get(
    '/api/campaigns/:id/checks',
    { config: READ, schema: { tags: ['sending'], summary: 'Pre-send checks: errors block sending, warnings do not', params: IdParams, response: { 200: CheckResult } } },
    (req) => campaignChecks(req.ctx, req.params.id),
  );
  app.get(
    '/api/campaigns/:id/previews',
    {
      config: READ,
      schema: { tags, summary: 'The message as three contacts of the audience read it, untracked', params: IdParams, querystring: PreviewQuery, response: { 200: PreviewResult } },
    },
    (req) => campaignPreviews(req.ctx, req.params.id, req.query),
  );
  app.post('/api/campaigns/:id/pause', { config: SEND, schema: sending }, (req) => pauseCampaign(req.ctx, req.params.id));
  app.post('/api/campaigns/:id/resume', { config: SEND, schema: sending }, (req) => resumeCampaign(req.ctx, req.params.id));
  app.post('/api/campaigns/:id/cancel', { config: SEND, schema: sending }, (req) => cancelCampaign(req.ctx, req.params.id));
  app.get('/api/campaigns/:id/progress', { config: READ, schema: { tags: ['sending'], params: IdParams, response: { 200: Progress } } }, (req) =>
    campaignProgress(req.ctx, req.params.id),
  );
  app.post(
    '/api/campaigns/:id/test',
    { config: EDIT, schema: { tags: ['sending'], params: IdParams, body: TestSendRequest, response: { 200: TestSendResult } } },
    (req) => sendTestEmails(req.ctx, req.params.id, req.body.emails, req.body.variant),
  );
}
