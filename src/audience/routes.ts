import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { EDIT, EXPORT, READ, SEND } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams } from '../http/schemas.js';
import { createListFromView, relaunch } from './actions.js';
import { cancelAutoRelaunch, createAutoRelaunch, listAutoRelaunches } from './autoRelaunch.js';
import { exportView } from './export.js';
import { FilterSchema } from './filter.js';
import { campaignGuard } from './guard.js';
import { lineage } from './lineage.js';
import { GuardResult } from '../campaigns/schemas.js';
import { listRecipients, viewSummary } from './recipients.js';
import { createSavedView, deleteSavedView, getSavedView, listSavedViews, updateSavedView } from './savedViews.js';
import { filterOfBody, viewOfBody, viewOfQuery } from './viewRequest.js';
import {
  AutoRelaunch,
  AutoRelaunchParams,
  AutoRelaunchRequest,
  CreateListRequest,
  CreateListResult,
  ExportRequest,
  Lineage,
  RecipientsPage,
  RecipientsQuery,
  RelaunchRequest,
  RelaunchResult,
  SavedView,
  SavedViewPatch,
  SavedViewWrite,
  Summary,
  ViewQuery,
} from './schemas.js';

/**
 * Behavioral tracking rows, segments, filters, summary, actions, saved views, lineage, auto-relaunch.
 * Each works in the caller's workspace (req.ctx) with the right SPEC §9 gives it; a relaunch with a
 * send time also needs the send right, which relaunch() checks since only the body tells.
 */
export function audienceRoutes(app: Api): void {
  app.addSchema(FilterSchema);
  const tags = ['behavioral tracking'];
  const campaign = { tags, params: IdParams };

  app.get('/api/campaigns/:id/recipients', { config: READ, schema: { ...campaign, querystring: RecipientsQuery, response: { 200: RecipientsPage } } }, (req) =>
    listRecipients(req.ctx, req.params.id, viewOfQuery(req.query), req.query),
  );
  app.get('/api/campaigns/:id/recipients/summary', { config: READ, schema: { ...campaign, querystring: ViewQuery, response: { 200: Summary } } }, (req) =>
    viewSummary(req.ctx, req.params.id, viewOfQuery(req.query)),
  );
  app.get(
    '/api/campaigns/:id/guard',
    {
      config: READ,
      schema: {
        ...campaign,
        summary: 'The relaunch guard: how many of the audience ignored each of their last N campaigns',
        querystring: Type.Composite([ViewQuery, Type.Object({ lastN: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 3 })) })]),
        response: { 200: GuardResult },
      },
    },
    (req) => campaignGuard(req.ctx, req.params.id, viewOfQuery(req.query), req.query.lastN ?? 3),
  );
  app.post('/api/campaigns/:id/recipients/export', { config: EXPORT, schema: { ...campaign, body: ExportRequest } }, async (req, reply) => {
    const { filename, lines } = await exportView(req.ctx, req.params.id, viewOfBody(req.body), req.body.sort);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(Readable.from(lines));
  });
  app.post(
    '/api/campaigns/:id/actions/create-list',
    { config: EDIT, schema: { ...campaign, body: CreateListRequest, response: { 201: CreateListResult } } },
    async (req, reply) => reply.status(201).send(await createListFromView(req.ctx, req.params.id, viewOfBody(req.body), req.body)),
  );
  app.post(
    '/api/campaigns/:id/actions/relaunch',
    { config: EDIT, schema: { ...campaign, body: RelaunchRequest, response: { 201: RelaunchResult } } },
    async (req, reply) => reply.status(201).send(await relaunch(req.ctx, req.params.id, viewOfBody(req.body), req.body)),
  );
  app.get('/api/campaigns/:id/lineage', { config: READ, schema: { ...campaign, response: { 200: Lineage } } }, (req) => lineage(req.ctx, req.params.id));

  app.post(
    '/api/campaigns/:id/auto-relaunch',
    { config: SEND, schema: { ...campaign, body: AutoRelaunchRequest, response: { 201: AutoRelaunch } } },
    async (req, reply) => reply.status(201).send(await createAutoRelaunch(req.ctx, req.params.id, req.body)),
  );
  app.get('/api/campaigns/:id/auto-relaunch', { config: READ, schema: { ...campaign, response: { 200: Type.Array(AutoRelaunch) } } }, (req) =>
    listAutoRelaunches(req.ctx, req.params.id),
  );
  app.post(
    '/api/campaigns/:id/auto-relaunch/:autoRelaunchId/cancel',
    { config: SEND, schema: { tags, params: AutoRelaunchParams, response: { 200: AutoRelaunch } } },
    (req) => cancelAutoRelaunch(req.ctx, req.params.id, req.params.autoRelaunchId),
  );

  const views = { tags: ['saved views'] };
  app.post('/api/views', { config: EDIT, schema: { ...views, body: SavedViewWrite, response: { 201: SavedView } } }, async (req, reply) =>
    reply.status(201).send(await createSavedView(req.ctx, { ...req.body, filter: filterOfBody(req.body.filter) })),
  );
  app.get('/api/views', { config: READ, schema: { ...views, response: { 200: Type.Array(SavedView) } } }, (req) => listSavedViews(req.ctx));
  app.get('/api/views/:id', { config: READ, schema: { ...views, params: IdParams, response: { 200: SavedView } } }, (req) => getSavedView(req.ctx, req.params.id));
  app.patch('/api/views/:id', { config: EDIT, schema: { ...views, params: IdParams, body: SavedViewPatch, response: { 200: SavedView } } }, (req) =>
    updateSavedView(req.ctx, req.params.id, { ...req.body, filter: filterOfBody(req.body.filter) }),
  );
  app.delete('/api/views/:id', { config: EDIT, schema: { ...views, params: IdParams } }, async (req, reply) => {
    await deleteSavedView(req.ctx, req.params.id);
    return reply.status(204).send();
  });
}
