import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.js';
import type { AppContext, WorkspaceContext } from '../context.js';
import type { CustomFieldType, FormsTable } from '../db/schema.js';
import { htmlLiquid, parseTemplate, plainLiquid } from '../delivery/render/liquid.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import type { Selectable } from 'kysely';
import type { FormDef } from './model.js';
import { embedHtml } from './pages.js';
import { BUILT_IN_FIELDS, SLUG, type Form, type FormCreate, type FormFieldInput, type FormMessages, type FormMessagesInput, type FormPatch } from './schemas.js';

type FormRow = Selectable<FormsTable>;

interface StoredField {
  name: string;
  label: string | null;
  required: boolean;
}

const BUILT_IN_LABELS: Record<(typeof BUILT_IN_FIELDS)[number], string> = { phone: 'Phone', firstName: 'First name', lastName: 'Last name' };
const isBuiltIn = (name: string): name is (typeof BUILT_IN_FIELDS)[number] => (BUILT_IN_FIELDS as readonly string[]).includes(name);

export const DEFAULT_CONFIRMATION_HTML = `<p>Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},</p>
<p>Please confirm that you want to receive emails from {{ form.name }}.</p>
<p><a href="{{ confirm_url }}" style="display:inline-block;padding:12px 20px;background:#1c7ed6;color:#ffffff;text-decoration:none;border-radius:6px">Confirm my subscription</a></p>
<p>If the button does not work, open this link: {{ confirm_url }}</p>
<p>If you did not sign up, ignore this email: nothing happens without your confirmation.</p>`;

function defaultMessages(doubleOptIn: boolean): FormMessages {
  return {
    thankYou: doubleOptIn
      ? 'Thank you! Please check your inbox: we sent you an email to confirm your subscription.'
      : 'Thank you for signing up!',
    confirmed: 'Thank you, your subscription is confirmed.',
    confirmationSubject: 'Please confirm your subscription to {{ form.name }}',
    confirmationHtml: DEFAULT_CONFIRMATION_HTML,
  };
}

const blank = (value: string | null | undefined): value is null | undefined | '' => value == null || value.trim() === '';

/** Messages to store: the given ones over the stored ones, blank or null ones dropped (the default shows again). */
function mergedMessages(stored: FormMessagesInput, patch: FormMessagesInput | undefined): Partial<FormMessages> {
  const merged: Partial<FormMessages> = {};
  for (const key of ['thankYou', 'confirmed', 'confirmationSubject', 'confirmationHtml'] as const) {
    const value = patch && key in patch ? patch[key] : stored[key];
    if (!blank(value)) merged[key] = value!;
  }
  return merged;
}

function checkMessages(messages: FormMessagesInput): void {
  if (messages.confirmationSubject) parseTemplate(plainLiquid, messages.confirmationSubject, '$.messages.confirmationSubject');
  if (messages.confirmationHtml) {
    parseTemplate(htmlLiquid, messages.confirmationHtml, '$.messages.confirmationHtml');
    // Without the link nobody could confirm, and every sign-up would expire.
    if (!/\{\{-?\s*confirm_url\b/.test(messages.confirmationHtml)) {
      throw badRequest('$.messages.confirmationHtml must contain {{ confirm_url }}, the confirmation link', '$.messages.confirmationHtml');
    }
  }
}

async function fieldTypes(ctx: AppContext, workspaceId: number): Promise<Map<string, CustomFieldType>> {
  const rows = await ctx.store.db.selectFrom('custom_fields').select(['name', 'type']).where('workspace_id', '=', workspaceId).execute();
  return new Map(rows.map((f) => [f.name, f.type]));
}

/** The fields as stored: built-in ones by name, custom ones only if the workspace has them; no field twice. */
async function checkedFields(ctx: WorkspaceContext, fields: FormFieldInput[]): Promise<StoredField[]> {
  const types = await fieldTypes(ctx, ctx.workspaceId);
  const seen = new Set<string>();
  return fields.map((field, i) => {
    const name = field.name.trim();
    if (name.toLowerCase() === 'email') throw badRequest(`$.fields[${i}].name: the email is always asked; leave it out of fields`, `$.fields[${i}].name`);
    if (!isBuiltIn(name) && !types.has(name)) {
      throw badRequest(`$.fields[${i}].name "${name}" is neither phone, firstName, lastName nor a custom field of this workspace`, `$.fields[${i}].name`);
    }
    if (seen.has(name)) throw badRequest(`$.fields[${i}].name "${name}" is asked twice`, `$.fields[${i}].name`);
    seen.add(name);
    return { name, label: blank(field.label) ? null : field.label!.trim(), required: field.required ?? false };
  });
}

async function checkedListIds(ctx: WorkspaceContext, listIds: number[]): Promise<number[]> {
  const wanted = [...new Set(listIds)];
  const found = new Set(
    (await ctx.store.db.selectFrom('lists').select('id').where('workspace_id', '=', ctx.workspaceId).where('id', 'in', wanted).execute()).map((l) => l.id),
  );
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length) throw badRequest(`$.listIds names lists that do not exist: ${missing.join(', ')}`, '$.listIds');
  return wanted;
}

/** "Spring Newsletter — Été!" → "spring-newsletter-ete". */
export function slugOf(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return base.length >= 3 ? base : `form${base ? `-${base}` : ''}`;
}

const isUniqueViolation = (error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(message ?? '');
};

/** The name's slug, or with -2, -3… when taken (slugs are unique across the instance), or a random suffix after that. */
async function freeSlug(ctx: AppContext, name: string): Promise<string> {
  const base = slugOf(name);
  const candidates = [base, ...Array.from({ length: 9 }, (_, i) => `${base}-${i + 2}`)];
  const taken = new Set((await ctx.store.db.selectFrom('forms').select('slug').where('slug', 'in', candidates).execute()).map((r) => r.slug));
  return candidates.find((slug) => !taken.has(slug)) ?? `${base}-${Math.random().toString(36).slice(2, 8)}`;
}

export const formUrl = (ctx: AppContext, slug: string) => `${ctx.config.publicUrl}/f/${slug}`;

export function formDef(ctx: AppContext, row: FormRow, types: Map<string, CustomFieldType>): FormDef {
  const { readJson } = ctx.store.dialect;
  const doubleOptIn = row.double_opt_in === 1;
  const customMessages = (readJson(row.messages) ?? {}) as FormMessagesInput;
  const stored = (readJson(row.fields) ?? []) as StoredField[];
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    slug: row.slug,
    url: formUrl(ctx, row.slug),
    listIds: (readJson(row.list_ids) ?? []) as number[],
    fields: stored.map((f) => ({
      name: f.name,
      label: f.label ?? (isBuiltIn(f.name) ? BUILT_IN_LABELS[f.name] : f.name),
      required: f.required,
      type: isBuiltIn(f.name) ? f.name : (types.get(f.name) ?? 'string'),
    })),
    doubleOptIn,
    consentText: row.consent_text,
    messages: { ...defaultMessages(doubleOptIn), ...(mergedMessages(customMessages, undefined) as Partial<FormMessages>) },
    customMessages,
    views: Number(row.views),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The form whose hosted page is /f/<slug>, whatever its workspace (public routes). */
export async function formBySlug(ctx: AppContext, slug: string): Promise<FormDef | undefined> {
  if (!SLUG.test(slug)) return undefined;
  const row = await ctx.store.db.selectFrom('forms').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && formDef(ctx, row, await fieldTypes(ctx, row.workspace_id));
}

/** A visit of the hosted page, for the form's statistics. */
export async function countView(ctx: AppContext, formId: number): Promise<void> {
  await ctx.store.db.updateTable('forms').set((eb) => ({ views: eb('views', '+', 1) })).where('id', '=', formId).execute();
}

/** A form by id whatever its workspace (a confirmation link names its sign-up, whose form this is). */
export async function formById(ctx: AppContext, id: number): Promise<FormDef | undefined> {
  const row = await ctx.store.db.selectFrom('forms').selectAll().where('id', '=', id).executeTakeFirst();
  return row && formDef(ctx, row, await fieldTypes(ctx, row.workspace_id));
}

/** The workspace's form; another workspace's answers as a missing one. */
export async function workspaceForm(ctx: WorkspaceContext, id: number): Promise<FormDef> {
  const row = await ctx.store.db.selectFrom('forms').selectAll().where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Form');
  return formDef(ctx, row, await fieldTypes(ctx, ctx.workspaceId));
}

type Counts = Map<number, { signups: number; confirmations: number }>;

async function signupCounts(ctx: WorkspaceContext, formIds: number[]): Promise<Counts> {
  if (!formIds.length) return new Map();
  const rows = await ctx.store.db
    .selectFrom('form_signups')
    .select(['form_id', sql<number>`count(*)`.as('signups'), sql<number>`count(confirmed_at)`.as('confirmations')])
    .where('form_id', 'in', formIds)
    .groupBy('form_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.form_id), { signups: Number(r.signups), confirmations: Number(r.confirmations) }]));
}

function toForm(ctx: AppContext, form: FormDef, counts: Counts): Form {
  const { signups = 0, confirmations = 0 } = counts.get(form.id) ?? {};
  return {
    id: form.id,
    name: form.name,
    slug: form.slug,
    url: form.url,
    embedHtml: embedHtml(ctx, form),
    listIds: form.listIds,
    fields: form.fields,
    doubleOptIn: form.doubleOptIn,
    consentText: form.consentText,
    messages: form.messages,
    stats: { views: form.views, signups, confirmations, confirmationRate: signups ? confirmations / signups : 0 },
    createdAt: iso(form.createdAt)!,
    updatedAt: iso(form.updatedAt)!,
  };
}

export async function getForm(ctx: WorkspaceContext, id: number): Promise<Form> {
  const form = await workspaceForm(ctx, id);
  return toForm(ctx, form, await signupCounts(ctx, [form.id]));
}

export async function listForms(ctx: WorkspaceContext): Promise<Form[]> {
  const [rows, types] = await Promise.all([
    ctx.store.db.selectFrom('forms').selectAll().where('workspace_id', '=', ctx.workspaceId).orderBy('id').execute(),
    fieldTypes(ctx, ctx.workspaceId),
  ]);
  const forms = rows.map((row) => formDef(ctx, row, types));
  const counts = await signupCounts(ctx, forms.map((f) => f.id));
  return forms.map((form) => toForm(ctx, form, counts));
}

async function assertSlugFree(ctx: AppContext, slug: string, exceptId?: number): Promise<void> {
  let query = ctx.store.db.selectFrom('forms').select('id').where('slug', '=', slug);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw conflict(`The slug "${slug}" is taken: choose another`);
}

export async function createForm(ctx: WorkspaceContext, input: FormCreate): Promise<Form> {
  const listIds = await checkedListIds(ctx, input.listIds);
  const fields = await checkedFields(ctx, input.fields ?? []);
  const messages = mergedMessages({}, input.messages);
  checkMessages(messages);
  if (input.slug) await assertSlugFree(ctx, input.slug);
  const now = ctx.now();
  const insert = async (slug: string) =>
    ctx.store.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('forms')
        .values({
          workspace_id: ctx.workspaceId,
          name: input.name.trim(),
          slug,
          list_ids: ctx.store.dialect.writeJson(listIds),
          fields: ctx.store.dialect.writeJson(fields),
          double_opt_in: input.doubleOptIn === false ? 0 : 1,
          consent_text: input.consentText.trim(),
          messages: ctx.store.dialect.writeJson(messages),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(ctx, { action: 'form.create', objectType: 'form', objectId: row.id, details: { name: input.name.trim(), slug } }, trx);
      return row.id;
    });
  let id: number;
  try {
    id = await insert(input.slug ?? (await freeSlug(ctx, input.name)));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Taken meanwhile by another request.
    if (input.slug) throw conflict(`The slug "${input.slug}" is taken: choose another`);
    id = await insert(`${slugOf(input.name)}-${Math.random().toString(36).slice(2, 8)}`);
  }
  return getForm(ctx, id);
}

export async function updateForm(ctx: WorkspaceContext, id: number, patch: FormPatch): Promise<Form> {
  const current = await workspaceForm(ctx, id);
  const listIds = patch.listIds && (await checkedListIds(ctx, patch.listIds));
  const fields = patch.fields && (await checkedFields(ctx, patch.fields));
  const messages = patch.messages && mergedMessages(current.customMessages, patch.messages);
  if (messages) checkMessages(messages);
  if (patch.slug && patch.slug !== current.slug) await assertSlugFree(ctx, patch.slug, id);
  const { writeJson } = ctx.store.dialect;
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('forms')
        .set({
          ...(patch.name !== undefined && { name: patch.name.trim() }),
          ...(patch.slug !== undefined && { slug: patch.slug }),
          ...(listIds && { list_ids: writeJson(listIds) }),
          ...(fields && { fields: writeJson(fields) }),
          ...(patch.doubleOptIn !== undefined && { double_opt_in: patch.doubleOptIn ? 1 : 0 }),
          ...(patch.consentText !== undefined && { consent_text: patch.consentText.trim() }),
          ...(messages && { messages: writeJson(messages) }),
          updated_at: ctx.now(),
        })
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', '=', id)
        .execute();
      await recordAudit(ctx, { action: 'form.update', objectType: 'form', objectId: id, details: { changed: Object.keys(patch).sort() } }, trx);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`The slug "${patch.slug}" is taken: choose another`);
    throw error;
  }
  return getForm(ctx, id);
}

/**
 * Deletes the form and its sign-ups (its confirmation links stop working). Contacts stay, and
 * their consents keep the form's id as the record of where they came from. Contacts still
 * pending are left to the expiry sweep.
 */
export async function deleteForm(ctx: WorkspaceContext, id: number): Promise<void> {
  const form = await workspaceForm(ctx, id);
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('form_signups').where('form_id', '=', id).execute();
    await trx.deleteFrom('forms').where('workspace_id', '=', ctx.workspaceId).where('id', '=', id).execute();
    await recordAudit(ctx, { action: 'form.delete', objectType: 'form', objectId: id, details: { name: form.name, slug: form.slug } }, trx);
  });
}
