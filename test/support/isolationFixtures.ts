import type { RouteOptions } from 'fastify';
import { createApiKey } from '../../src/auth/apiKeys.js';
import { createUser } from '../../src/auth/users.js';
import type { WorkspaceContext } from '../../src/context.js';
import { signer } from '../../src/tracking/tokens.js';
import type { ApiCall, TestApp } from './app.js';
import { addCampaign, addContact, addList } from './audienceScenario.js';
import { createScenario } from './trackingScenario.js';

/** A registered route, once per method (Fastify's HEAD twin of a GET left out). */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: string | undefined;
}

export function routesOf(registered: RouteOptions[]): RegisteredRoute[] {
  return registered.flatMap((route) =>
    [route.method]
      .flat()
      .filter((method) => method !== 'HEAD')
      .map((method) => ({ method, url: route.url, access: route.config?.access })),
  );
}

export interface Workspace {
  workspaceId: number;
  ctx: WorkspaceContext;
  api: ApiCall;
  key: string;
}

/**
 * One of each object a workspace holds, named with the workspace's marker (`alpha`, `bravo`)
 * so that a listing that shows another workspace's objects is caught by a text search.
 */
export interface WorkspaceObjects {
  marker: string;
  workspaceId: number;
  contact: number;
  contactEmail: string;
  list: number;
  field: string;
  /** A sent email campaign with a link and a delivered message to the contact. */
  sent: number;
  link: number;
  message: number;
  /** The relay's id of that message (what a DSN quotes as the original's Message-ID). */
  providerRef: string;
  /** Tracking tokens of that message. */
  tokens: { open: string; click: string; unsubscribe: string };
  linkUrl: string;
  draft: number;
  scheduled: number;
  import: number;
  view: number;
  autoRelaunch: number;
  /** The id of the workspace's own API key (the one `api` calls with). */
  apiKey: number;
  /** A member's user id. */
  member: number;
  memberEmail: string;
  invitation: number;
  domain: number;
  domainName: string;
  /** The file name of a copy in the outbox (a test send of the draft). */
  outbox: string;
  /** A saved email template. */
  template: number;
  /** A sign-up form (on the workspace's list) and its hosted page's slug. */
  form: number;
  formSlug: string;
  /** An uploaded image's id. */
  media: number;
}

export type Built = Partial<WorkspaceObjects> & { marker: string; workspaceId: number };

const ONE_PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** POST /api/imports with this key, multipart as a browser sends it. */
export async function uploadAs(baseUrl: string, key: string, csv: string, fields: Record<string, string>): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([csv]), 'contacts.csv');
  const response = await fetch(`${baseUrl}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

const expectStatus = (what: string, response: { status: number; body: unknown }, status: number) => {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as any;
};

/**
 * Fills a workspace with one object of each kind: the core rows straight into the database
 * (as sending and tracking leave them), the rest through the API with the workspace's own key,
 * the way a team makes them. A step that fails is reported in `problems` and its object left
 * out, so that one missing feature does not hide what every other route does.
 */
export async function populateWorkspace(t: TestApp, w: Workspace, marker: string): Promise<{ objects: Built; problems: string[] }> {
  const { ctx, api } = w;
  const db = ctx.store.db;
  const o: Built = { marker, workspaceId: w.workspaceId };
  const problems: string[] = [];
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      problems.push(`${marker}: ${what}: ${(error as Error).message}`);
    }
  };
  const domainName = `${marker}.example`;
  const fromEmail = `news@${domainName}`;
  o.domainName = domainName;

  await db.updateTable('workspaces').set({ name: `${marker[0]!.toUpperCase()}${marker.slice(1)} workspace` }).where('id', '=', w.workspaceId).execute();
  o.apiKey = (await db.selectFrom('api_keys').select('id').where('workspace_id', '=', w.workspaceId).orderBy('id').executeTakeFirstOrThrow()).id;
  await createApiKey(ctx.store, `${marker} key`, { workspaceId: w.workspaceId, role: 'viewer' });

  // A sending domain first: once a workspace has one, its campaigns' From must be at it.
  await step('POST /api/domains', async () => {
    o.domain = expectStatus('POST /api/domains', await api('POST', '/api/domains', { domain: domainName }), 201).id;
  });

  o.list = await addList(ctx, `${marker} list`);
  o.contactEmail = `contact.${marker}@example.test`;
  o.contact = await addContact(ctx, { email: o.contactEmail, firstName: `${marker} first`, listIds: [o.list] });

  const scenario = await createScenario(ctx, { contactIds: [o.contact], links: [`https://${domainName}/sale`] });
  o.sent = scenario.campaignId;
  o.link = scenario.links[0]!.id;
  o.linkUrl = scenario.links[0]!.url;
  o.message = scenario.messages[0]!.id;
  o.providerRef = `<ricochet.${o.message}@${domainName}>`;
  o.tokens = { open: scenario.token(0, 'open'), click: scenario.token(0, 'click', 1), unsubscribe: scenario.token(0, 'unsubscribe') };
  await db
    .updateTable('campaigns')
    .set({ name: `${marker} sent campaign`, from_email: fromEmail, list_ids: ctx.store.dialect.writeJson([o.list]) })
    .where('id', '=', o.sent)
    .execute();
  await db.updateTable('messages').set({ provider_id: o.providerRef }).where('id', '=', o.message).execute();

  o.draft = (await addCampaign(ctx, { sentAt: null, name: `${marker} draft campaign` })).id;
  o.scheduled = (await addCampaign(ctx, { sentAt: null, name: `${marker} scheduled campaign` })).id;
  await db.updateTable('campaigns').set({ from_email: fromEmail, list_ids: ctx.store.dialect.writeJson([o.list]) }).where('id', 'in', [o.draft, o.scheduled]).execute();
  await db
    .updateTable('campaigns')
    .set({ status: 'scheduled', scheduled_at: ctx.now() + 30 * 86_400_000 })
    .where('id', '=', o.scheduled)
    .execute();

  await step('POST /api/imports', async () => {
    o.field = `${marker}_tier`;
    const csv = `email,firstName,${o.field}\nimported.${marker}@example.test,${marker} imported,gold\n`;
    const id = expectStatus('POST /api/imports', await uploadAs(t.baseUrl, w.key, csv, { listId: String(o.list) }), 202).id as number;
    for (let i = 0; ; i++) {
      const status = expectStatus(`GET /api/imports/${id}`, await api('GET', `/api/imports/${id}`), 200);
      if (status.status === 'done') break;
      if (status.status === 'failed' || i > 400) throw new Error(`the import did not finish: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    o.import = id;
  });

  await step('POST /api/views', async () => {
    o.view = expectStatus('POST /api/views', await api('POST', '/api/views', { name: `${marker} openers`, segment: 'openers' }), 201).id;
  });

  await step('POST /api/campaigns/:id/auto-relaunch', async () => {
    const body = { afterDays: 30, segment: 'openers', subject: `${marker} second chance` };
    o.autoRelaunch = expectStatus('POST auto-relaunch', await api('POST', `/api/campaigns/${o.sent}/auto-relaunch`, body), 201).id;
  });

  const member = await createUser(ctx.store, `member.${marker}@example.test`, ctx.now(), { workspaceId: w.workspaceId, role: 'editor' });
  o.member = member.id;
  o.memberEmail = member.email;

  await step('POST /api/members (an invitation)', async () => {
    const body = expectStatus('POST /api/members', await api('POST', '/api/members', { email: `invitee.${marker}@example.test`, role: 'viewer' }), 201);
    o.invitation = body.invitation.id;
  });

  await step('POST /api/campaigns/:id/test (a copy in the outbox)', async () => {
    const to = `qa.${marker}@example.test`;
    expectStatus('POST test send', await api('POST', `/api/campaigns/${o.draft}/test`, { emails: [to] }), 200);
    const outbox = expectStatus('GET /api/outbox', await api('GET', '/api/outbox?limit=500'), 200);
    const copy = (outbox.items as Array<{ name: string; to: string }>).find((item) => item.to.includes(to));
    if (!copy) throw new Error(`no copy to ${to} in GET /api/outbox: ${JSON.stringify(outbox.items.map((i: { to: string }) => i.to))}`);
    o.outbox = copy.name;
  });

  await step('POST /api/templates', async () => {
    o.template = expectStatus('POST /api/templates', await api('POST', '/api/templates', { name: `${marker} template`, html: `<p>${marker} template</p>` }), 201).id;
  });

  await step('POST /api/forms', async () => {
    const body = { name: `${marker} form`, listIds: [o.list], fields: [], consentText: `${marker} news by email` };
    const form = expectStatus('POST /api/forms', await api('POST', '/api/forms', body), 201);
    o.form = form.id;
    o.formSlug = form.slug;
  });

  await step('POST /api/media', async () => {
    const file = new Blob([ONE_PIXEL_PNG], { type: 'image/png' });
    const data = new FormData();
    data.append('file', file, `${marker}.png`);
    const response = await fetch(`${t.baseUrl}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${w.key}` }, body: data });
    o.media = expectStatus('POST /api/media', { status: response.status, body: await response.json() }, 201).id;
  });

  await step('POST /api/webhooks/bounces (an unmatched report)', async () => {
    expectStatus('POST /api/webhooks/bounces', await api('POST', '/api/webhooks/bounces', { email: `nobody.${marker}@example.test`, type: 'hard' }), 200);
  });

  return { objects: o, problems };
}

/**
 * Ids of objects that exist nowhere, one distinct id per kind so that an answer quoting
 * one can be matched to the request. Same shapes as real ones (an outbox name, a signed token).
 */
export function missingObjects(t: TestApp, like: Built): WorkspaceObjects {
  const id = (n: number) => 999_000 + n;
  const token = signer(t.ctx.secret, id(7));
  return {
    marker: 'missing',
    workspaceId: id(0),
    contact: id(1),
    contactEmail: 'nobody.missing@example.test',
    list: id(2),
    field: 'missing_field',
    sent: id(3),
    link: id(4),
    message: id(7),
    providerRef: `<ricochet.${id(7)}@missing.example>`,
    tokens: { open: token.token('open'), click: token.token('click', 1), unsubscribe: token.token('unsubscribe') },
    linkUrl: 'https://missing.example/',
    draft: id(5),
    scheduled: id(6),
    import: id(8),
    view: id(9),
    autoRelaunch: id(10),
    apiKey: id(11),
    member: id(12),
    memberEmail: 'member.missing@example.test',
    invitation: id(13),
    domain: id(14),
    domainName: 'missing.example',
    // A name of the same shape as a real copy's, that no copy has.
    template: id(15),
    form: id(16),
    formSlug: 'missing-form',
    media: id(17),
    outbox: like.outbox ? like.outbox.replace(/[0-9a-f]{6}(\.eml)$/, (hex, ext: string) => (hex === '000000' ? 'ffffff' : '000000') + ext) : 'missing.eml',
  };
}

/** Every row that belongs to the workspace, directly or through its owner, in a stable order. */
export async function snapshotWorkspace(ctx: WorkspaceContext, workspaceId: number): Promise<Record<string, unknown[]>> {
  const db = ctx.store.db;
  const campaignIds = (await db.selectFrom('campaigns').select('id').where('workspace_id', '=', workspaceId).execute()).map((r) => r.id);
  const listIds = (await db.selectFrom('lists').select('id').where('workspace_id', '=', workspaceId).execute()).map((r) => r.id);
  const importIds = (await db.selectFrom('imports').select('id').where('workspace_id', '=', workspaceId).execute()).map((r) => r.id);
  const inCampaigns = campaignIds.length ? campaignIds : [-1];
  const formIds = (await db.selectFrom('forms').select('id').where('workspace_id', '=', workspaceId).execute()).map((r) => r.id);
  const contactIds = (await db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).execute()).map((r) => r.id);
  return {
    workspaces: await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).execute(),
    workspace_members: await db.selectFrom('workspace_members').selectAll().where('workspace_id', '=', workspaceId).orderBy('user_id').execute(),
    invitations: await db.selectFrom('invitations').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    sending_domains: await db.selectFrom('sending_domains').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    audit_log: await db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    contacts: await db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    custom_fields: await db.selectFrom('custom_fields').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute(),
    lists: await db.selectFrom('lists').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    list_members: await db.selectFrom('list_members').selectAll().where('list_id', 'in', listIds.length ? listIds : [-1]).orderBy('list_id').orderBy('contact_id').execute(),
    campaigns: await db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    campaign_audience: await db.selectFrom('campaign_audience').selectAll().where('campaign_id', 'in', inCampaigns).orderBy('campaign_id').orderBy('contact_id').execute(),
    links: await db.selectFrom('links').selectAll().where('campaign_id', 'in', inCampaigns).orderBy('id').execute(),
    messages: await db.selectFrom('messages').selectAll().where('campaign_id', 'in', inCampaigns).orderBy('id').execute(),
    message_links: await db.selectFrom('message_links').selectAll().where('campaign_id', 'in', inCampaigns).orderBy('message_id').orderBy('link_id').execute(),
    events: await db.selectFrom('events').selectAll().where('campaign_id', 'in', inCampaigns).orderBy('id').execute(),
    auto_relaunches: await db.selectFrom('auto_relaunches').selectAll().where('campaign_id', 'in', inCampaigns).orderBy('id').execute(),
    saved_views: await db.selectFrom('saved_views').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    imports: await db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    import_errors: await db.selectFrom('import_errors').selectAll().where('import_id', 'in', importIds.length ? importIds : [-1]).orderBy('import_id').orderBy('row').execute(),
    api_keys: await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    unmatched_reports: await db.selectFrom('unmatched_reports').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    templates: await db.selectFrom('templates').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    media: await db.selectFrom('media').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    forms: await db.selectFrom('forms').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute(),
    form_signups: await db.selectFrom('form_signups').selectAll().where('form_id', 'in', formIds.length ? formIds : [-1]).orderBy('id').execute(),
    consents: await db.selectFrom('consents').selectAll().where('contact_id', 'in', contactIds.length ? contactIds : [-1]).orderBy('id').execute(),
  };
}
