import type { Api, AppContext } from '../http/context.js';
import { IdParams, Page } from '../http/schemas.js';
import { createCampaign, deleteCampaign, getCampaign, listCampaigns, updateCampaign } from './campaigns.js';
import { Campaign, CampaignCreate, CampaignPatch, CampaignQuery } from './schemas.js';

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
}
