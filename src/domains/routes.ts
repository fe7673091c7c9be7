import { Type } from '@sinclair/typebox';
import { MANAGE, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams } from '../http/schemas.js';
import { addDomain, checkDomain, getDomain, listDomains, removeDomain } from './domains.js';
import { DomainCreate, SendingDomain } from './schemas.js';

/** A workspace's sending domains: DKIM keys, the DNS records to publish, and their check. Editors read them to pick a From address. */
export function domainRoutes(app: Api): void {
  const tags = ['domains'];
  app.post(
    '/api/domains',
    { config: MANAGE, schema: { tags, summary: 'Add a sending domain: a DKIM key pair is made and the records to publish listed', body: DomainCreate, response: { 201: SendingDomain } } },
    async (req, reply) => reply.status(201).send(await addDomain(req.ctx, req.body.domain)),
  );
  app.get('/api/domains', { config: READ, schema: { tags, response: { 200: Type.Array(SendingDomain) } } }, (req) => listDomains(req.ctx));
  app.get('/api/domains/:id', { config: READ, schema: { tags, params: IdParams, response: { 200: SendingDomain } } }, (req) =>
    getDomain(req.ctx, req.params.id),
  );
  app.post(
    '/api/domains/:id/check',
    { config: MANAGE, schema: { tags, summary: "Look the domain's records up in DNS and keep the result", params: IdParams, response: { 200: SendingDomain } } },
    (req) => checkDomain(req.ctx, req.params.id),
  );
  app.delete('/api/domains/:id', { config: MANAGE, schema: { tags, params: IdParams } }, async (req, reply) => {
    await removeDomain(req.ctx, req.params.id);
    return reply.status(204).send();
  });
}
