import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import type { Api } from '../http/api.js';
import { IdParams, Page } from '../http/schemas.js';
import { createContact, getContact, listContacts, updateContact } from './contacts.js';
import { addMembers, audienceCount, createList, deleteList, getList, listLists, removeMembers, renameList } from './lists.js';
import { Contact, ContactCreate, ContactPatch, ContactQuery, List, ListWrite, MemberChange } from './schemas.js';

export function contactRoutes(app: Api, ctx: AppContext): void {
  const tags = ['contacts'];
  app.post('/api/contacts', { schema: { tags, body: ContactCreate, response: { 201: Contact } } }, async (req, reply) =>
    reply.status(201).send(await createContact(ctx, req.body)),
  );
  app.get('/api/contacts', { schema: { tags, querystring: ContactQuery, response: { 200: Page(Contact) } } }, (req) =>
    listContacts(ctx, req.query),
  );
  app.get('/api/contacts/:id', { schema: { tags, params: IdParams, response: { 200: Contact } } }, (req) =>
    getContact(ctx, req.params.id),
  );
  app.patch('/api/contacts/:id', { schema: { tags, params: IdParams, body: ContactPatch, response: { 200: Contact } } }, (req) =>
    updateContact(ctx, req.params.id, req.body),
  );
}

export function listRoutes(app: Api, ctx: AppContext): void {
  const tags = ['lists'];
  app.post('/api/lists', { schema: { tags, body: ListWrite, response: { 201: List } } }, async (req, reply) =>
    reply.status(201).send(await createList(ctx, req.body.name)),
  );
  app.get('/api/lists', { schema: { tags, response: { 200: Type.Array(List) } } }, () => listLists(ctx));
  app.get(
    '/api/audience-count',
    {
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
    (req) => audienceCount(ctx, req.query.listIds, req.query.channel ?? 'email'),
  );
  app.get('/api/lists/:id', { schema: { tags, params: IdParams, response: { 200: List } } }, (req) => getList(ctx, req.params.id));
  app.patch('/api/lists/:id', { schema: { tags, params: IdParams, body: ListWrite, response: { 200: List } } }, (req) =>
    renameList(ctx, req.params.id, req.body.name),
  );
  app.delete('/api/lists/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await deleteList(ctx, req.params.id);
    return reply.status(204).send();
  });
  app.post(
    '/api/lists/:id/contacts',
    { schema: { tags, params: IdParams, body: MemberChange, response: { 200: Type.Object({ added: Type.Integer(), notFound: Type.Array(Type.Integer()) }) } } },
    (req) => addMembers(ctx, req.params.id, req.body.contactIds),
  );
  app.delete(
    '/api/lists/:id/contacts',
    { schema: { tags, params: IdParams, body: MemberChange, response: { 200: Type.Object({ removed: Type.Integer() }) } } },
    (req) => removeMembers(ctx, req.params.id, req.body.contactIds),
  );
}
