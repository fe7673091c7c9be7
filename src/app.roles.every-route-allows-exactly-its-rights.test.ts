import type { RouteOptions } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type ApiCall, type TestApp } from '../test/support/app.js';
import { describeEachDatabase } from '../test/support/databases.js';
import { routesOf, type RegisteredRoute } from '../test/support/isolationFixtures.js';
import { createScenario } from '../test/support/trackingScenario.js';
import { addWorkspace, apiAs, signIn } from '../test/support/workspaces.js';
import { createUser } from './auth/users.js';
import type { Role } from './db/schema.js';
import { WEB_BUILD_DIR } from './web.js';

/**
 * What each route needs, written from SPEC §9 and issue #12, not read from the code:
 * - public: no credentials at all (tracking links, sign-in, invitation links, health, the contract);
 * - account: any signed-in user or API key, whatever the role;
 * - user: any signed-in user, whatever the role; an API key has no user and is refused (401, 403, or 404: it has no session);
 * - read … manage: the right of §9's table.
 * A route the app registers that is missing here fails the suite: a new route must be classified.
 */
type Access = 'public' | 'account' | 'user' | Right;
type Right = 'read' | 'edit' | 'send' | 'export' | 'manage';

const TABLE: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /api/openapi.json': 'public',
  'POST /api/session': 'public',
  'GET /t/o/:token': 'public',
  'GET /t/c/:token': 'public',
  'GET /s/:code': 'public',
  'GET /u/:token': 'public',
  'POST /u/:token': 'public',
  'GET /v/:token': 'public',
  'GET /*': 'public',
  // Images in emails, sign-up forms and their confirmation links.
  'GET /media/:file': 'public',
  'GET /f/:slug': 'public',
  'POST /f/:slug': 'public',
  'OPTIONS /f/:slug': 'public',
  'GET /c/:token': 'public',
  'POST /c/:token': 'public',
  // The invitation link works before its reader has an account.
  'GET /api/invitations/:token': 'public',
  'POST /api/invitations/:token/accept': 'public',

  'GET /api/session': 'user',
  'DELETE /api/session': 'account',
  'GET /api/workspaces': 'account',
  // A workspace is created by a person, who becomes its owner; a key belongs to one workspace.
  'POST /api/workspaces': 'user',

  // Read campaigns, statistics, recipients, contacts, lists.
  'GET /api/contacts': 'read',
  'GET /api/contacts/:id': 'read',
  'GET /api/lists': 'read',
  'GET /api/lists/:id': 'read',
  'GET /api/audience-count': 'read',
  'GET /api/fields': 'read',
  'GET /api/imports/:id': 'read',
  'GET /api/campaigns': 'read',
  'GET /api/campaigns/:id': 'read',
  'GET /api/campaigns/:id/sms-preview': 'read',
  'GET /api/campaigns/:id/progress': 'read',
  'GET /api/campaigns/:id/stats': 'read',
  'GET /api/campaigns/:id/recipients': 'read',
  'GET /api/campaigns/:id/recipients/summary': 'read',
  'GET /api/campaigns/:id/lineage': 'read',
  'GET /api/campaigns/:id/auto-relaunch': 'read',
  'GET /api/views': 'read',
  'GET /api/views/:id': 'read',
  'GET /api/outbox': 'read',
  'GET /api/outbox/:name': 'read',
  'GET /api/reports/unmatched': 'read',
  // Editors pick a campaign's From among the workspace's domains.
  'GET /api/domains': 'read',
  'GET /api/domains/:id': 'read',
  'POST /api/designs/compile': 'read',
  'GET /api/media': 'read',
  'GET /api/templates': 'read',
  'GET /api/templates/:id': 'read',
  'GET /api/forms': 'read',
  'GET /api/forms/:id': 'read',
  'GET /api/forms/:id/preview': 'read',
  'GET /api/imports/:id/report': 'read',
  'GET /api/dashboard': 'read',
  // Before a send: its checks, how many ignored their last campaigns, the message as real contacts get it.
  'GET /api/campaigns/:id/checks': 'read',
  'GET /api/campaigns/:id/guard': 'read',
  'GET /api/campaigns/:id/previews': 'read',

  // Create and edit contacts, lists, imports, campaigns, saved views; relaunch as a draft; create a list from a view.
  'POST /api/contacts': 'edit',
  'PATCH /api/contacts/:id': 'edit',
  'POST /api/lists': 'edit',
  'PATCH /api/lists/:id': 'edit',
  'DELETE /api/lists/:id': 'edit',
  'POST /api/lists/:id/contacts': 'edit',
  'DELETE /api/lists/:id/contacts': 'edit',
  'POST /api/imports': 'edit',
  'POST /api/campaigns': 'edit',
  'PATCH /api/campaigns/:id': 'edit',
  'DELETE /api/campaigns/:id': 'edit',
  'POST /api/campaigns/:id/duplicate': 'edit',
  'POST /api/campaigns/:id/archive': 'edit',
  'POST /api/campaigns/:id/unarchive': 'edit',
  'POST /api/contacts/bulk': 'edit',
  'POST /api/campaigns/:id/test': 'edit',
  'POST /api/campaigns/:id/actions/create-list': 'edit',
  'POST /api/campaigns/:id/actions/relaunch': 'edit',
  'POST /api/views': 'edit',
  'PATCH /api/views/:id': 'edit',
  'DELETE /api/views/:id': 'edit',
  'POST /api/media': 'edit',
  'POST /api/templates': 'edit',
  'PATCH /api/templates/:id': 'edit',
  'DELETE /api/templates/:id': 'edit',
  'POST /api/forms': 'edit',
  'PATCH /api/forms/:id': 'edit',
  'DELETE /api/forms/:id': 'edit',
  // Bounce and complaint reports an integration posts change contacts' delivery state, as an edit does.
  'POST /api/webhooks/bounces': 'edit',
  'POST /api/webhooks/inbound-email': 'edit',

  // Send, schedule, pause, resume, cancel. An auto-relaunch sends by itself later.
  'POST /api/campaigns/:id/send': 'send',
  'POST /api/campaigns/:id/pause': 'send',
  'POST /api/campaigns/:id/resume': 'send',
  'POST /api/campaigns/:id/cancel': 'send',
  'POST /api/campaigns/:id/auto-relaunch': 'send',
  'POST /api/campaigns/:id/auto-relaunch/:autoRelaunchId/cancel': 'send',
  // Ending an A/B test sends the winner to the rest.
  'POST /api/campaigns/:id/ab/winner': 'send',

  // Export CSV; erase a contact.
  'POST /api/campaigns/:id/recipients/export': 'export',
  'DELETE /api/contacts/:id': 'export',
  'POST /api/contacts/bulk/erase': 'export',

  // API keys, members, workspace settings, sending domains; the activity log.
  'PATCH /api/workspace': 'manage',
  'GET /api/members': 'manage',
  'POST /api/members': 'manage',
  'PATCH /api/members/:userId': 'manage',
  'DELETE /api/members/:userId': 'manage',
  'GET /api/invitations': 'manage',
  'DELETE /api/invitations/:id': 'manage',
  'GET /api/api-keys': 'manage',
  'POST /api/api-keys': 'manage',
  'DELETE /api/api-keys/:id': 'manage',
  'POST /api/domains': 'manage',
  'POST /api/domains/:id/check': 'manage',
  'DELETE /api/domains/:id': 'manage',
  'GET /api/audit': 'manage',
};

/** Bodies that pass validation, for the routes a key must be refused on whatever it sends. */
const VALID_BODIES: Record<string, unknown> = {
  'POST /api/workspaces': { name: 'Made with a key' },
};

/** SPEC §9's table, row by row. */
const SPEC_RIGHTS: Record<Role, Right[]> = {
  owner: ['read', 'edit', 'send', 'export', 'manage'],
  admin: ['read', 'edit', 'send', 'export', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};
const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];

type Verdict = 'allowed' | 'forbidden' | 'no-user';
const verdict = (access: Access, role: Role, caller: 'key' | 'user'): Verdict =>
  access === 'account' || access === 'public'
    ? 'allowed'
    : access === 'user'
      ? caller === 'user'
        ? 'allowed'
        : 'no-user'
      : SPEC_RIGHTS[role].includes(access)
        ? 'allowed'
        : 'forbidden';

/** Ids that exist nowhere, so that an allowed call changes nothing (its 404 or 400 is fine). */
const concrete = (url: string) => url.replace(/:(\w+)/g, (_, name: string) => (name === 'name' ? 'missing.eml' : '999999'));
const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const isWebFile = (url: string) => url === '/' || existsSync(join(WEB_BUILD_DIR, url));

type Answer = { status: number; body: any };

/** The answer matches the verdict, or says what it was instead. */
function judge(expected: Verdict, answer: Answer): string | undefined {
  const code = answer.body?.error?.code;
  if (expected === 'forbidden') return answer.status === 403 && code === 'forbidden' ? undefined : `expected 403 forbidden`;
  if (expected === 'no-user') return [401, 403, 404].includes(answer.status) ? undefined : 'expected a key to be refused (401, 403 or 404)';
  return answer.status === 401 || answer.status === 403 || answer.status >= 500 ? 'expected an answer past the guard (not 401/403/5xx)' : undefined;
}

const describeAnswer = (a: Answer) => `${a.status} ${JSON.stringify(a.body)?.slice(0, 200)}`;

describeEachDatabase('Every route allows exactly the rights SPEC §9 gives it', (kind) => {
  let t: TestApp;
  let routes: RegisteredRoute[] = [];
  const keys = {} as Record<Role, ApiCall>;
  /** Users of the first workspace, one per role, signed in. */
  const users = {} as Record<Role, { id: number; email: string; call: ApiCall }>;

  /**
   * The route called with ids that do not exist and an empty body, which allowed routes refuse after the guard.
   * A key on a route for people gets a valid body, so that its refusal cannot be a validation error.
   */
  const callRoute = (call: ApiCall, route: { method: string; url: string }, caller: 'key' | 'user') =>
    call(route.method, concrete(route.url), route.method === 'GET' ? undefined : caller === 'key' ? (VALID_BODIES[key(route)] ?? {}) : {});

  beforeAll(async () => {
    const registered: RouteOptions[] = [];
    t = await startTestApp(kind, {}, { onRoute: (route) => registered.push(route) });
    routes = routesOf(registered);
    for (const role of ROLES) keys[role] = await apiAs(t, role);
    for (const role of ROLES) {
      const user = await createUser(t.ctx.store, `${role}.user@example.test`, t.ctx.now(), { workspaceId: t.ctx.workspaceId, role });
      users[role] = { id: user.id, email: user.email, call: await signIn(t, user.email, user.password) };
    }
  });
  afterAll(() => t.close());

  it('classifies every registered route, and every route the table names is registered', () => {
    const unclassified = routes.filter((r) => !(key(r) in TABLE) && !(r.method === 'GET' && r.access === 'public' && isWebFile(r.url))).map(key);
    expect(unclassified).toEqual([]);
    const registered = new Set(routes.map(key));
    expect(Object.keys(TABLE).filter((route) => !registered.has(route))).toEqual([]);
  });

  it('declares public exactly the routes the table says are public', () => {
    const wrong = routes
      .filter((r) => key(r) in TABLE && (TABLE[key(r)] === 'public') !== (r.access === 'public'))
      .map((r) => `${key(r)}: declared ${r.access ?? 'nothing'}, the table says ${TABLE[key(r)]}`);
    expect(wrong).toEqual([]);
  });

  it('answers each role’s API key on every private route as its rights say', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes.filter((r) => key(r) in TABLE && TABLE[key(r)] !== 'public')) {
      for (const role of ROLES) {
        const expected = verdict(TABLE[key(route)]!, role, 'key');
        const answer = await callRoute(keys[role], route, 'key');
        const problem = judge(expected, answer);
        if (problem) failures.push(`${role} key: ${route.method} ${concrete(route.url)} → ${describeAnswer(answer)} (${problem})`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(4 * 60);
  });

  it('gives a signed-in user of each role the same verdicts as a key of that role', async () => {
    // One route of each kind; a user's session may call the "user" routes that keys may not.
    const sample = [
      'GET /api/contacts',
      'GET /api/campaigns/:id/recipients',
      'POST /api/lists',
      'POST /api/campaigns/:id/actions/create-list',
      'POST /api/campaigns/:id/send',
      'POST /api/campaigns/:id/cancel',
      'POST /api/campaigns/:id/recipients/export',
      'DELETE /api/contacts/:id',
      'GET /api/members',
      'POST /api/api-keys',
      'POST /api/domains',
      'GET /api/audit',
      'GET /api/workspaces',
      'GET /api/session',
      'POST /api/workspaces',
    ];
    const failures: string[] = [];
    for (const role of ROLES) {
      for (const name of sample) {
        const [method, url] = name.split(' ') as [string, string];
        const answer = await callRoute(users[role].call, { method, url }, 'user');
        const problem = judge(verdict(TABLE[name]!, role, 'user'), answer);
        if (problem) failures.push(`${role} user: ${method} ${concrete(url)} → ${describeAnswer(answer)} (${problem})`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('takes a user’s role from the workspace X-Workspace names, and answers 404 for one they are not in', async () => {
    const b = await addWorkspace(t, 'Second brand');
    const c = await addWorkspace(t, 'Third brand');
    const { id, password } = await createUser(t.ctx.store, 'two.hats@example.test', t.ctx.now(), { workspaceId: t.ctx.workspaceId, role: 'viewer' });
    await t.ctx.store.db.insertInto('workspace_members').values({ workspace_id: b.workspaceId, user_id: id, role: 'editor', created_at: t.ctx.now() }).execute();
    const call = await signIn(t, 'two.hats@example.test', password);

    // By default their first workspace, where they are a viewer.
    expect((await call('GET', '/api/contacts')).status).toBe(200);
    const asViewer = await call('POST', '/api/lists', {});
    expect([asViewer.status, asViewer.body.error?.code]).toEqual([403, 'forbidden']);
    const named = await call('POST', '/api/lists', {}, { 'x-workspace': String(t.ctx.workspaceId) });
    expect([named.status, named.body.error?.code]).toEqual([403, 'forbidden']);

    // In the second one they are an editor: past the guard (an empty body is then a 400).
    const asEditor = await call('POST', '/api/lists', {}, { 'x-workspace': String(b.workspaceId) });
    expect(asEditor.status).toBe(400);
    const created = await call('POST', '/api/lists', { name: 'Made in the second brand' }, { 'x-workspace': String(b.workspaceId) });
    expect(created.status).toBe(201);
    expect((await b.api('GET', `/api/lists/${created.body.id}`)).body.name).toBe('Made in the second brand');
    expect((await call('GET', `/api/lists/${created.body.id}`)).status).toBe(404); // not in their first workspace

    // A workspace they are not in answers as one that does not exist.
    const notMember = await call('GET', '/api/contacts', undefined, { 'x-workspace': String(c.workspaceId) });
    const missing = await call('GET', '/api/contacts', undefined, { 'x-workspace': '999999' });
    expect(notMember.status).toBe(404);
    expect(notMember.body.error?.code).toBe('not_found');
    expect(notMember.body).toEqual(missing.body);
    // A key names only its own workspace.
    const keyElsewhere = await t.api('GET', '/api/contacts', undefined, { 'x-workspace': String(b.workspaceId) });
    expect([keyElsewhere.status, keyElsewhere.body.error?.code]).toEqual([404, 'not_found']);
  });

  it('lets an editor relaunch as a draft but not with a send date, which needs the send right', async () => {
    const s = await createScenario(t.ctx, { recipients: 2 });
    const count = async () => (await t.ctx.store.db.selectFrom('campaigns').select('id').where('workspace_id', '=', t.ctx.workspaceId).execute()).length;
    const sendAt = new Date(t.ctx.now() + 86_400_000).toISOString();
    const before = await count();

    const scheduled = await keys.editor('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { sendAt });
    expect([scheduled.status, scheduled.body.error?.code]).toEqual([403, 'forbidden']);
    const viewer = await keys.viewer('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, {});
    expect([viewer.status, viewer.body.error?.code]).toEqual([403, 'forbidden']);
    expect(await count()).toBe(before);

    const draft = await keys.editor('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, {});
    expect(draft.status).toBe(201);
    expect(draft.body.campaign.status).toBe('draft');
    const byAdmin = await keys.admin('POST', `/api/campaigns/${s.campaignId}/actions/relaunch`, { sendAt });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.campaign.status).toBe('scheduled');
    expect(await count()).toBe(before + 2);
  });

  it('stops an admin at owners: no changing or removing one, no making one, no owner key', async () => {
    const owner = users.owner;
    const editor = users.editor;
    const refused: Array<[string, string, unknown]> = [
      ['PATCH', `/api/members/${owner.id}`, { role: 'admin' }],
      ['DELETE', `/api/members/${owner.id}`, undefined],
      ['PATCH', `/api/members/${editor.id}`, { role: 'owner' }],
      ['POST', '/api/members', { email: 'would.be.owner@example.test', role: 'owner' }],
      ['POST', '/api/api-keys', { name: 'owner key by an admin', role: 'owner' }],
    ];
    const failures: string[] = [];
    for (const [method, path, body] of refused) {
      for (const caller of [keys.admin, users.admin.call]) {
        const answer = await caller(method, path, body);
        if (answer.status !== 403 || answer.body?.error?.code !== 'forbidden') failures.push(`${method} ${path} ${JSON.stringify(body)} → ${describeAnswer(answer)}`);
      }
    }
    expect(failures).toEqual([]);
    const members = (await keys.owner('GET', '/api/members')).body as Array<{ userId: number; role: string }>;
    expect(members.find((m) => m.userId === owner.id)?.role).toBe('owner');
    expect(members.find((m) => m.userId === editor.id)?.role).toBe('editor');
    const ownerKeys = ((await keys.owner('GET', '/api/api-keys')).body as Array<{ role: string }>).filter((k) => k.role === 'owner');

    // What an admin may do to non-owners, and an owner to anyone, still works: the refusals above are about owners.
    expect((await keys.admin('PATCH', `/api/members/${editor.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await keys.admin('PATCH', `/api/members/${editor.id}`, { role: 'editor' })).status).toBe(200);
    const ownerKey = await keys.owner('POST', '/api/api-keys', { name: 'owner key by an owner', role: 'owner' });
    expect(ownerKey.status).toBe(201);
    expect(ownerKey.body.role).toBe('owner');
    expect(((await keys.owner('GET', '/api/api-keys')).body as Array<{ role: string }>).filter((k) => k.role === 'owner')).toHaveLength(ownerKeys.length + 1);
    const promoted = await keys.owner('PATCH', `/api/members/${users.viewer.id}`, { role: 'owner' });
    expect(promoted.status).toBe(200);
    const demoted = await keys.admin('PATCH', `/api/members/${users.viewer.id}`, { role: 'viewer' });
    expect([demoted.status, demoted.body.error?.code]).toEqual([403, 'forbidden']);
  });
});
