import type { AppContext } from '../context.js';
import { EDIT, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { designFirst } from '../designs/check.js';
import { Template, TemplateCreate, TemplateList, TemplateParams, TemplatePatch } from './schemas.js';
import { createTemplate, deleteTemplate, getTemplate, listTemplates, parseTemplateId, updateTemplate } from './templates.js';

/** Email templates: the built-in starters and the workspace's saved ones, in the caller's workspace (req.ctx). */
export function templateRoutes(app: Api, _ctx: AppContext): void {
  const tags = ['templates'];
  app.get('/api/templates', { config: READ, schema: { tags, summary: "The starters, then the workspace's saved templates", response: { 200: TemplateList } } }, (req) =>
    listTemplates(req.ctx),
  );
  app.post(
    '/api/templates',
    {
      config: EDIT,
      ...designFirst,
      schema: { tags, summary: 'Save a template from a design, HTML or an email campaign (`campaignId`)', body: TemplateCreate, response: { 201: Template } },
    },
    async (req, reply) => reply.status(201).send(await createTemplate(req.ctx, req.body)),
  );
  app.get('/api/templates/:id', { config: READ, schema: { tags, params: TemplateParams, response: { 200: Template } } }, (req) =>
    getTemplate(req.ctx, parseTemplateId(req.params.id)),
  );
  app.patch(
    '/api/templates/:id',
    { config: EDIT, ...designFirst, schema: { tags, summary: 'Rename a saved template or replace its content', params: TemplateParams, body: TemplatePatch, response: { 200: Template } } },
    (req) => updateTemplate(req.ctx, parseTemplateId(req.params.id), req.body),
  );
  app.delete('/api/templates/:id', { config: EDIT, schema: { tags, summary: 'Delete a saved template', params: TemplateParams } }, async (req, reply) => {
    await deleteTemplate(req.ctx, parseTemplateId(req.params.id));
    return reply.status(204).send();
  });
}
