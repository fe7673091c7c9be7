import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/audit.js';
import type { AppContext, WorkspaceContext } from '../context.js';
import type { TemplatesTable } from '../db/schema.js';
import { htmlLiquid, parseTemplate } from '../delivery/render/liquid.js';
import { compileDesign } from '../designs/compile.js';
import type { Design } from '../designs/schema.js';
import { STARTERS } from '../designs/starters.js';
import { badRequest, notFound } from '../http/errors.js';
import { iso } from '../http/schemas.js';
import { designError } from '../designs/check.js';
import type { Template, TemplateCreate, TemplateId, TemplatePatch } from './schemas.js';

/**
 * Email templates: the built-in starters (code, src/designs/starters.ts, the same in every
 * workspace and read-only) and the workspace's saved ones. A template holds either a design or
 * hand-written HTML; a campaign started from it gets a copy, so later edits of either side never
 * reach the other.
 */

export interface TemplateContent {
  design: Design | null;
  html: string | null;
}

const STARTER_PREFIX = 'starter-';

function checkedName(name: string): string {
  if (!name.trim()) throw badRequest('$.name is empty: give the template a name', '$.name');
  return name.trim();
}

function starterTemplates(ctx: AppContext): Template[] {
  return STARTERS.map((starter) => ({
    id: `${STARTER_PREFIX}${starter.key}`,
    kind: 'starter' as const,
    name: starter.name,
    description: starter.description,
    design: starter.design(ctx.config.publicUrl),
    html: null,
    createdAt: null,
    updatedAt: null,
  }));
}

function toTemplate(row: Selectable<TemplatesTable>, ctx: AppContext): Template {
  return {
    id: row.id,
    kind: 'saved',
    name: row.name,
    description: null,
    design: (ctx.store.dialect.readJson(row.design) ?? null) as Design | null,
    html: row.html,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** "12" → 12, "starter-letter" stays a string: path parameters arrive as text. */
export const parseTemplateId = (id: string): TemplateId => (id.startsWith(STARTER_PREFIX) ? id : Number(id));

async function savedRow(ctx: WorkspaceContext, id: number) {
  const row = await ctx.store.db.selectFrom('templates').selectAll().where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  if (!row) throw notFound('Template');
  return row;
}

/** Starters first, then the workspace's saved templates, newest first. */
export async function listTemplates(ctx: WorkspaceContext): Promise<{ items: Template[] }> {
  const rows = await ctx.store.db.selectFrom('templates').selectAll().where('workspace_id', '=', ctx.workspaceId).orderBy('id', 'desc').execute();
  return { items: [...starterTemplates(ctx), ...rows.map((row) => toTemplate(row, ctx))] };
}

/** A starter, or a saved template of this workspace: another workspace's is as missing as one that does not exist. */
export async function getTemplate(ctx: WorkspaceContext, id: TemplateId): Promise<Template> {
  if (typeof id === 'string') {
    const starter = starterTemplates(ctx).find((template) => template.id === id);
    if (!starter) throw notFound('Template');
    return starter;
  }
  return toTemplate(await savedRow(ctx, id), ctx);
}

/** What a campaign started from template `id` gets (a copy of its design or HTML). */
export async function templateContent(ctx: WorkspaceContext, id: TemplateId): Promise<TemplateContent> {
  const { design, html } = await getTemplate(ctx, id);
  return { design, html };
}

/** A design is checked and compiled (and its merge tags parsed) when saved, so that every saved template makes a campaign that sends. */
async function checkedContent(content: TemplateContent, path: { design: string; html: string }): Promise<TemplateContent> {
  if (content.design) {
    const error = designError(content.design, path.design);
    if (error) throw error;
    parseTemplate(htmlLiquid, (await compileDesign(content.design)).html, path.design);
    return { design: content.design, html: null };
  }
  if (content.html == null || !content.html.trim()) throw badRequest(`${path.html} is empty: a template needs content`, path.html);
  parseTemplate(htmlLiquid, content.html, path.html);
  return { design: null, html: content.html };
}

/** The content of an email campaign of this workspace, read here rather than through campaigns/, which stands above templates. */
async function campaignContent(ctx: WorkspaceContext, campaignId: number): Promise<TemplateContent> {
  const campaign = await ctx.store.db
    .selectFrom('campaigns')
    .select(['channel', 'design', 'html'])
    .where('id', '=', campaignId)
    .where('workspace_id', '=', ctx.workspaceId)
    .executeTakeFirst();
  if (!campaign) throw notFound('Campaign');
  if (campaign.channel !== 'email') throw badRequest('$.campaignId is an SMS campaign: templates are for email', '$.campaignId');
  const design = (ctx.store.dialect.readJson(campaign.design) ?? null) as Design | null;
  if (!design && !campaign.html?.trim()) throw badRequest('$.campaignId has no content yet: write it first', '$.campaignId');
  return design ? { design, html: null } : { design: null, html: campaign.html };
}

export async function createTemplate(ctx: WorkspaceContext, input: TemplateCreate): Promise<Template> {
  const given = (['design', 'html', 'campaignId'] as const).filter((field) => input[field] !== undefined);
  if (given.length !== 1) {
    const message = given.length ? `${given.map((f) => `$.${f}`).join(' and ')} were given together: send only one` : 'send one of $.design, $.html or $.campaignId';
    throw badRequest(`A template is made from exactly one of a design, HTML or a campaign: ${message}`, given.length ? `$.${given[1]}` : '$');
  }
  const content =
    input.campaignId !== undefined
      ? await campaignContent(ctx, input.campaignId)
      : await checkedContent({ design: input.design ?? null, html: input.html ?? null }, { design: '$.design', html: '$.html' });
  const now = ctx.now();
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('templates')
      .values({
        workspace_id: ctx.workspaceId,
        name: checkedName(input.name),
        design: content.design ? ctx.store.dialect.writeJson(content.design) : null,
        html: content.html,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const details = { name: row.name, content: content.design ? 'design' : 'html', ...(input.campaignId !== undefined && { campaignId: input.campaignId }) };
    await recordAudit(ctx, { action: 'template.create', objectType: 'template', objectId: row.id, details }, trx);
    return row;
  });
  return toTemplate(row, ctx);
}

const starterIsReadOnly = () =>
  badRequest('Starter templates are built in and cannot be changed: start a campaign from it, or save a copy with POST /api/templates', 'params.id');

export async function updateTemplate(ctx: WorkspaceContext, id: TemplateId, patch: TemplatePatch): Promise<Template> {
  if (typeof id === 'string') {
    await getTemplate(ctx, id);
    throw starterIsReadOnly();
  }
  const current = await savedRow(ctx, id);
  if (patch.design !== undefined && patch.html !== undefined) {
    throw badRequest('$.design and $.html were both given: a template holds one or the other', '$.html');
  }
  const content =
    patch.design !== undefined || patch.html !== undefined
      ? await checkedContent({ design: patch.design ?? null, html: patch.html ?? null }, { design: '$.design', html: '$.html' })
      : undefined;
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('templates')
      .set({
        ...(patch.name !== undefined && { name: checkedName(patch.name) }),
        ...(content && { design: content.design ? ctx.store.dialect.writeJson(content.design) : null, html: content.html }),
        updated_at: ctx.now(),
      })
      .where('id', '=', id)
      .where('workspace_id', '=', ctx.workspaceId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Template');
    const changed = [...(patch.name !== undefined ? ['name'] : []), ...(content ? [content.design ? 'design' : 'html'] : [])];
    await recordAudit(ctx, { action: 'template.update', objectType: 'template', objectId: id, details: { name: row.name, previousName: current.name, changed } }, trx);
    return row;
  });
  return toTemplate(row, ctx);
}

export async function deleteTemplate(ctx: WorkspaceContext, id: TemplateId): Promise<void> {
  if (typeof id === 'string') {
    await getTemplate(ctx, id);
    throw starterIsReadOnly();
  }
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('templates').where('id', '=', id).where('workspace_id', '=', ctx.workspaceId).returning(['id', 'name']).executeTakeFirst();
    if (!row) throw notFound('Template');
    await recordAudit(ctx, { action: 'template.delete', objectType: 'template', objectId: id, details: { name: row.name } }, trx);
  });
}
