import { sql } from 'kysely';
import type { Store } from '../db/connection.js';
import { likeEscape } from '../db/dialect.js';
import type { ContactRow } from '../db/schema.js';
import type { WorkspaceContext } from '../context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { decodeCursor, encodeCursor, iso } from '../http/schemas.js';
import { registerFields } from './fields.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import type { Contact, ContactCreate, ContactPatch, ContactQuery } from './schemas.js';

export function toContact(row: ContactRow, store: Store): Contact {
  return {
    id: row.id,
    email: row.email,
    phone: row.phone,
    firstName: row.first_name,
    lastName: row.last_name,
    fields: (store.dialect.readJson(row.fields) ?? {}) as Record<string, unknown>,
    emailStatus: row.email_status,
    smsStatus: row.sms_status,
    trackingConsent: row.tracking_consent === 1,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** Validates and normalises email and phone; undefined means "not given", null "clear it". */
function contactKeys(ctx: WorkspaceContext, input: ContactPatch) {
  let email: string | null | undefined = input.email;
  if (typeof email === 'string' && email.trim() !== '') {
    email = normalizeEmail(email);
    if (!email) throw badRequest(`email "${input.email}" is not a valid address`, '$.email');
  } else if (email !== undefined) {
    email = null;
  }
  let phone: string | null | undefined = input.phone;
  if (typeof phone === 'string' && phone.trim() !== '') {
    phone = normalizePhone(phone, ctx.config.defaultCountry);
    if (!phone) throw badRequest(`phone "${input.phone}" is not a possible phone number`, '$.phone');
  } else if (phone !== undefined) {
    phone = null;
  }
  return { email, phone };
}

/** Contacts are unique per workspace: the same address may belong to a contact of another workspace. */
async function assertUnique(ctx: WorkspaceContext, email: string | null | undefined, phone: string | null | undefined, exceptId?: number) {
  for (const [column, value] of [['email', email], ['phone', phone]] as const) {
    if (!value) continue;
    let query = ctx.store.db.selectFrom('contacts').select('id').where('workspace_id', '=', ctx.workspaceId).where(column, '=', value);
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
    const existing = await query.executeTakeFirst();
    if (existing) throw conflict(`A contact with this ${column} already exists`, { existingId: existing.id });
  }
}

function withoutNulls(fields: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
}

export async function createContact(ctx: WorkspaceContext, input: ContactCreate): Promise<Contact> {
  const { email, phone } = contactKeys(ctx, input);
  if (!email && !phone) throw badRequest('a contact needs an email or a phone', '$');
  await assertUnique(ctx, email, phone);
  const now = ctx.now();
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('contacts')
      .values({
        workspace_id: ctx.workspaceId,
        email: email ?? null,
        phone: phone ?? null,
        first_name: input.firstName?.trim() || null,
        last_name: input.lastName?.trim() || null,
        fields: ctx.store.dialect.writeJson(withoutNulls(input.fields ?? {})),
        email_status: input.emailStatus ?? 'subscribed',
        sms_status: input.smsStatus ?? 'subscribed',
        tracking_consent: (input.trackingConsent ?? ctx.config.trackingConsentDefault) ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await registerFields(trx, ctx.workspaceId, input.fields ?? {}, now);
    if (input.listIds?.length) {
      const lists = await trx.selectFrom('lists').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', 'in', input.listIds).execute();
      if (lists.length !== new Set(input.listIds).size) throw badRequest('listIds names a list that does not exist', '$.listIds');
      await trx
        .insertInto('list_members')
        .values(lists.map((l) => ({ list_id: l.id, contact_id: inserted.id, added_at: now })))
        .execute();
    }
    return inserted;
  });
  return toContact(row, ctx.store);
}

/** The contact if it is the workspace's and not erased; another workspace's answers as a missing one. */
export async function liveRow(ctx: WorkspaceContext, id: number): Promise<ContactRow> {
  const row = await ctx.store.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', id)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('Contact');
  return row;
}

/** The contact with its lists and its consents, newest first (SPEC §12). */
export async function getContact(ctx: WorkspaceContext, id: number): Promise<Contact> {
  const row = await liveRow(ctx, id);
  const consents = await ctx.store.db
    .selectFrom('consents')
    .select(['at', 'source', 'form_id', 'text', 'ip', 'user_agent'])
    .where('contact_id', '=', row.id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const lists = await ctx.store.db.selectFrom('list_members').select('list_id').where('contact_id', '=', row.id).orderBy('list_id').execute();
  return {
    ...toContact(row, ctx.store),
    listIds: lists.map((l) => l.list_id),
    consents: consents.map((c) => ({ at: iso(c.at)!, source: c.source, formId: c.form_id, text: c.text, ip: c.ip, userAgent: c.user_agent })),
  };
}

const isIdCursor = (v: unknown): v is { after: number } =>
  typeof v === 'object' && v !== null && typeof (v as { after: unknown }).after === 'number';

export async function listContacts(ctx: WorkspaceContext, query: ContactQuery) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, isIdCursor)?.after ?? 0;
  let base = ctx.store.db.selectFrom('contacts').where('workspace_id', '=', ctx.workspaceId).where('erased_at', 'is', null);
  if (query.search?.trim()) {
    const term = query.search.trim().toLowerCase();
    const prefix = `${likeEscape(term)}%`;
    const anywhere = `%${likeEscape(term)}%`;
    const { ilike } = ctx.store.dialect;
    base = base.where((eb) =>
      eb.or([
        eb('email', 'like', prefix),
        eb('phone', 'like', `${likeEscape(term.replace(/[\s.()-]/g, ''))}%`),
        ilike('first_name', anywhere),
        ilike('last_name', anywhere),
      ]),
    );
  }
  if (query.listId) {
    base = base.where('id', 'in', (eb) => eb.selectFrom('list_members').select('contact_id').where('list_id', '=', query.listId!));
  }
  const [rows, count] = await Promise.all([
    base.selectAll().where('id', '>', after).orderBy('id').limit(limit + 1).execute(),
    base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  const items = rows.slice(0, limit).map((r) => toContact(r, ctx.store));
  const nextCursor = rows.length > limit ? encodeCursor({ after: items[items.length - 1]!.id }) : null;
  return { total: Number(count.total), items, nextCursor };
}

export async function updateContact(ctx: WorkspaceContext, id: number, patch: ContactPatch): Promise<Contact> {
  const current = await liveRow(ctx, id);
  const { email, phone } = contactKeys(ctx, patch);
  const nextEmail = email === undefined ? current.email : email;
  const nextPhone = phone === undefined ? current.phone : phone;
  if (!nextEmail && !nextPhone) throw badRequest('a contact needs an email or a phone', '$');
  await assertUnique(ctx, email, phone, id);
  const fields = patch.fields
    ? withoutNulls({ ...(ctx.store.dialect.readJson(current.fields) as object), ...patch.fields })
    : undefined;
  if (patch.fields) await registerFields(ctx.store.db, ctx.workspaceId, patch.fields, ctx.now());
  const row = await ctx.store.db
    .updateTable('contacts')
    .set({
      email: nextEmail,
      phone: nextPhone,
      ...(patch.firstName !== undefined && { first_name: patch.firstName?.trim() || null }),
      ...(patch.lastName !== undefined && { last_name: patch.lastName?.trim() || null }),
      ...(fields && { fields: ctx.store.dialect.writeJson(fields) }),
      ...(patch.emailStatus && { email_status: patch.emailStatus }),
      ...(patch.smsStatus && { sms_status: patch.smsStatus }),
      ...(patch.trackingConsent !== undefined && { tracking_consent: patch.trackingConsent ? 1 : 0 }),
      updated_at: ctx.now(),
    })
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toContact(row, ctx.store);
}

/** What an erased contact keeps: no identity, no data, reachable by nothing; its row stays so that campaign counts do not change. */
export const erasedContact = (store: Store, now: number) => ({
  email: null,
  phone: null,
  first_name: null,
  last_name: null,
  fields: store.dialect.writeJson({}),
  email_status: 'unsubscribed' as const,
  sms_status: 'unsubscribed' as const,
  erased_at: now,
  updated_at: now,
});
