import { Type } from '@sinclair/typebox';
import { EDIT, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { IdParams, Page } from '../http/schemas.js';
import { createContact, getContact, listContacts, updateContact } from './contacts.js';
import { addMembers, audienceCount, createList, deleteList, getList, listLists, removeMembers, updateList } from './lists.js';
import { Contact, ContactCreate, ContactPatch, ContactQuery, List, ListWrite, MemberChange } from './schemas.js';
import { bulkContacts } from './bulk.js';
import { BulkRequest, BulkResult } from './schemas.js';

export function contactRoutes(app: Api): void {
  const tags = ['contacts'];
  app.post('/api/contacts', { config: EDIT, schema: { tags, body: ContactCreate, response: { 201: Contact } } }, async (req, reply) =>
    reply.status(201).send(await createContact(req.ctx, req.body)),
  );
  app.get('/api/contacts', { config: READ, schema: { tags, querystring: ContactQuery, response: { 200: Page(Contact) } } }, (req) =>
    listContacts(req.ctx, req.query),
  );
  app.get('/api/contacts/:id', { config: READ, schema: { tags, params: IdParams, response: { 200: Contact } } }, (req) =>
    getContact(req.ctx, req.params.id),
  );
  app.patch('/api/contacts/:id', { config: EDIT, schema: { tags, params: IdParams, body: ContactPatch, response: { 200: Contact } } }, (req) =>
    updateContact(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/contacts/bulk',
    { config: EDIT, schema: { tags, summary: 'Adds a selection to a list, removes it from one, or unsubscribes it; any id not a contact here: 404 and nothing changes', body: BulkRequest, response: { 200: BulkResult } } },
    (req) => bulkContacts(req.ctx, req.body),
  );
}

export function listRoutes(app: Api): void {
  const tags = ['lists'];
  app.post('/api/lists', { config: EDIT, schema: { tags, body: ListWrite, response: { 201: List } } }, async (req, reply) =>
    reply.status(201).send(await createList(req.ctx, req.body)),
  );
  app.get('/api/lists', { config: READ, schema: { tags, response: { 200: Type.Array(List) } } }, (req) => listLists(req.ctx));
  app.get(
    '/api/audience-count',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Distinct contacts in these lists, and how many a campaign on the channel would reach',
        querystring: Type.Object({
          listIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 100 }),
          channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms')], { default: 'email' })),
        }),
        response: { 200: Type.Object({ contacts: Type.Integer(), reachable: Type.Integer() }) },
      },
    },
    (req) => audienceCount(req.ctx, req.query.listIds, req.query.channel ?? 'email'),
  );
  app.get('/api/lists/:id', { config: READ, schema: { tags, params: IdParams, response: { 200: List } } }, (req) => getList(req.ctx, req.params.id));
  app.patch('/api/lists/:id', { config: EDIT, schema: { tags, params: IdParams, body: ListWrite, response: { 200: List } } }, (req) =>
    updateList(req.ctx, req.params.id, req.body),
  );
  app.delete('/api/lists/:id', { config: EDIT, schema: { tags, params: IdParams } }, async (req, reply) => {
    await deleteList(req.ctx, req.params.id);
    return reply.status(204).send();
  });
  app.post(
    '/api/lists/:id/contacts',
    { config: EDIT, schema: { tags, params: IdParams, body: MemberChange, response: { 200: Type.Object({ added: Type.Integer(), notFound: Type.Array(Type.Integer()) }) } } },
    (req) => addMembers(req.ctx, req.params.id, req.body.contactIds),
  );
  app.delete(
    '/api/lists/:id/contacts',
    { config: EDIT, schema: { tags, params: IdParams, body: MemberChange, response: { 200: Type.Object({ removed: Type.Integer() }) } } },
    (req) => removeMembers(req.ctx, req.params.id, req.body.contactIds),
  );
}
