import type { RouteOptions } from 'fastify';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/support/app.js';
import { describeEachDatabase } from '../test/support/databases.js';
import {
  missingObjects,
  populateWorkspace,
  routesOf,
  snapshotWorkspace,
  uploadAs,
  type Built,
  type RegisteredRoute,
  type Workspace,
  type WorkspaceObjects,
} from '../test/support/isolationFixtures.js';
import { addWorkspace } from '../test/support/workspaces.js';

/**
 * Workspaces A (the test app's first, called with its admin key) and B each hold one object of
 * every kind. A's key naming any of B's objects, in a path or nested in a body, must get exactly
 * the answer it gets for an object that does not exist; A's listings show nothing of B's; and
 * after all of it, B is as it was.
 */

interface Request {
  method: string;
  path: string;
  body?: unknown;
  /** POST /api/imports: multipart fields and a CSV file. */
  upload?: { csv: string; fields: Record<string, string> };
  /** A raw report for the inbound-email webhook. */
  raw?: string;
}

/**
 * not_found: 404 `not_found`, the same as for a missing object (an object in the path);
 * same: the same answer as for a missing object, whatever it is (an id nested in a body:
 * a 400 naming its path, an unmatched bounce report, `notFound: [id]`).
 */
interface Case {
  expect: 'not_found' | 'same';
  /** x: B's objects or missing ones; a: A's own, to get past the path to the nested id. */
  request: (x: WorkspaceObjects, a: WorkspaceObjects) => Request;
}

const nf = (request: Case['request']): Case => ({ expect: 'not_found', request });
const same = (request: Case['request']): Case => ({ expect: 'same', request });
const get = (path: string): Request => ({ method: 'GET', path });
const filterOf = (condition: object) => ({ match: 'all', conditions: [condition] });
const inQuery = (filter: object) => encodeURIComponent(JSON.stringify(filter));
const clickedLink = (linkId: number) => filterOf({ field: 'clickedLink', linkId, op: 'gte', value: 1 });
const inList = (listId: number) => filterOf({ field: 'contact.inList', op: 'is', value: listId });
const openedCampaign = (campaignId: number) => filterOf({ field: 'opened', campaignId, op: 'is', value: true });

/** A DSN for a message sent to `recipient`, quoting the original's headers with `extraHeaders`. */
const dsn = (recipient: string, extraHeaders: string) =>
  [
    'From: MAILER-DAEMON@relay.alpha.example',
    'To: bounces@alpha.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-Id: <dsn.1@relay.alpha.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Your message could not be delivered.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; relay.alpha.example',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: User unknown`,
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: News <news@bravo.example>',
    `To: ${recipient}`,
    'Subject: Sale',
    extraHeaders,
    '',
    '--b1--',
    '',
  ].join('\r\n');

/**
 * Every private route that names an object, and how to name B's. A route whose path has
 * parameters must be here (the suite fails otherwise), so a new route gets its case.
 */
const SWEEP: Record<string, Case[]> = {
  'GET /api/contacts/:id': [nf((x) => get(`/api/contacts/${x.contact}`))],
  'PATCH /api/contacts/:id': [nf((x) => ({ method: 'PATCH', path: `/api/contacts/${x.contact}`, body: { firstName: 'Changed by A' } }))],
  'DELETE /api/contacts/:id': [nf((x) => ({ method: 'DELETE', path: `/api/contacts/${x.contact}` }))],

  'GET /api/lists/:id': [nf((x) => get(`/api/lists/${x.list}`))],
  'PATCH /api/lists/:id': [nf((x) => ({ method: 'PATCH', path: `/api/lists/${x.list}`, body: { name: 'Changed by A' } }))],
  'DELETE /api/lists/:id': [nf((x) => ({ method: 'DELETE', path: `/api/lists/${x.list}` }))],
  'POST /api/lists/:id/contacts': [
    nf((x, a) => ({ method: 'POST', path: `/api/lists/${x.list}/contacts`, body: { contactIds: [a.contact] } })),
    same((x, a) => ({ method: 'POST', path: `/api/lists/${a.list}/contacts`, body: { contactIds: [x.contact] } })),
  ],
  'DELETE /api/lists/:id/contacts': [
    nf((x, a) => ({ method: 'DELETE', path: `/api/lists/${x.list}/contacts`, body: { contactIds: [a.contact] } })),
    same((x, a) => ({ method: 'DELETE', path: `/api/lists/${a.list}/contacts`, body: { contactIds: [x.contact] } })),
  ],
  'GET /api/audience-count': [same((x) => get(`/api/audience-count?listIds=${x.list}`)), same((x, a) => get(`/api/audience-count?listIds=${a.list}&listIds=${x.list}`))],

  'POST /api/imports': [same((x) => ({ method: 'POST', path: '/api/imports', upload: { csv: 'email\nimported.by.a@example.test\n', fields: { listId: String(x.list) } } }))],
  'GET /api/imports/:id': [nf((x) => get(`/api/imports/${x.import}`))],
  'GET /api/imports/:id/report': [nf((x) => get(`/api/imports/${x.import}/report`))],
  'POST /api/contacts/bulk': [
    nf((x) => ({ method: 'POST', path: '/api/contacts/bulk', body: { ids: [x.contact], action: 'unsubscribe' } })),
    nf((x, a) => ({ method: 'POST', path: '/api/contacts/bulk', body: { ids: [a.contact], action: 'addToList', listId: x.list } })),
  ],
  'POST /api/contacts/bulk/erase': [nf((x) => ({ method: 'POST', path: '/api/contacts/bulk/erase', body: { ids: [x.contact] } }))],

  'POST /api/campaigns': [
    same((x, a) => ({
      method: 'POST',
      path: '/api/campaigns',
      body: { channel: 'email', name: 'A targets B', subject: 'Hello', fromEmail: `news@${a.domainName}`, html: '<p>Hello</p>', listIds: [x.list] },
    })),
    same((x, a) => ({
      method: 'POST',
      path: '/api/campaigns',
      body: { channel: 'email', name: 'From B template', subject: 'Hello', fromEmail: `news@${a.domainName}`, templateId: x.template, listIds: [] },
    })),
  ],
  'GET /api/campaigns/:id': [nf((x) => get(`/api/campaigns/${x.sent}`)), nf((x) => get(`/api/campaigns/${x.draft}`))],
  'PATCH /api/campaigns/:id': [
    nf((x) => ({ method: 'PATCH', path: `/api/campaigns/${x.draft}`, body: { name: 'Changed by A' } })),
    same((x, a) => ({ method: 'PATCH', path: `/api/campaigns/${a.draft}`, body: { listIds: [x.list] } })),
  ],
  'DELETE /api/campaigns/:id': [nf((x) => ({ method: 'DELETE', path: `/api/campaigns/${x.draft}` }))],
  'GET /api/campaigns/:id/sms-preview': [nf((x) => get(`/api/campaigns/${x.sent}/sms-preview`))],
  'POST /api/campaigns/:id/send': [
    nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.draft}/send`, body: {} })),
    nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.draft}/send`, body: { at: new Date(Date.now() + 86_400_000).toISOString() } })),
  ],
  'POST /api/campaigns/:id/pause': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.scheduled}/pause` }))],
  'POST /api/campaigns/:id/resume': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.scheduled}/resume` }))],
  'POST /api/campaigns/:id/cancel': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.scheduled}/cancel` }))],
  'GET /api/campaigns/:id/progress': [nf((x) => get(`/api/campaigns/${x.sent}/progress`))],
  'POST /api/campaigns/:id/test': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.draft}/test`, body: { emails: ['qa.by.a@example.test'] } }))],
  'POST /api/campaigns/:id/duplicate': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.draft}/duplicate` }))],
  'POST /api/campaigns/:id/archive': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/archive` }))],
  'POST /api/campaigns/:id/unarchive': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/unarchive` }))],
  'POST /api/campaigns/:id/ab/winner': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/ab/winner`, body: { variant: 'A' } }))],
  'GET /api/campaigns/:id/checks': [nf((x) => get(`/api/campaigns/${x.draft}/checks`))],
  'GET /api/campaigns/:id/guard': [nf((x) => get(`/api/campaigns/${x.draft}/guard`)), nf((x) => get(`/api/campaigns/${x.sent}/guard?segment=openers`))],
  'GET /api/campaigns/:id/previews': [nf((x) => get(`/api/campaigns/${x.draft}/previews`))],

  'GET /api/outbox/:name': [nf((x) => get(`/api/outbox/${x.outbox}`)), nf((x) => get(`/api/outbox/${x.outbox}?format=json`))],
  'GET /api/outbox': [nf((x) => get(`/api/outbox?campaignId=${x.sent}`))],

  'GET /api/campaigns/:id/stats': [nf((x) => get(`/api/campaigns/${x.sent}/stats`))],
  'GET /api/campaigns/:id/recipients': [
    nf((x) => get(`/api/campaigns/${x.sent}/recipients`)),
    same((x, a) => get(`/api/campaigns/${a.sent}/recipients?filter=${inQuery(clickedLink(x.link))}`)),
    same((x, a) => get(`/api/campaigns/${a.sent}/recipients?filter=${inQuery(inList(x.list))}`)),
    same((x, a) => get(`/api/campaigns/${a.sent}/recipients?filter=${inQuery(openedCampaign(x.sent))}`)),
    same((x, a) => get(`/api/campaigns/${a.sent}/recipients?viewId=${x.view}`)),
  ],
  'GET /api/campaigns/:id/recipients/summary': [
    nf((x) => get(`/api/campaigns/${x.sent}/recipients/summary`)),
    same((x, a) => get(`/api/campaigns/${a.sent}/recipients/summary?filter=${inQuery(clickedLink(x.link))}`)),
    same((x, a) => get(`/api/campaigns/${a.sent}/recipients/summary?viewId=${x.view}`)),
  ],
  'POST /api/campaigns/:id/recipients/export': [
    nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/recipients/export`, body: {} })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/recipients/export`, body: { viewId: x.view } })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/recipients/export`, body: { filter: inList(x.list) } })),
  ],
  'POST /api/campaigns/:id/actions/create-list': [
    nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/actions/create-list`, body: { name: 'Made by A' } })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/actions/create-list`, body: { listId: x.list } })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/actions/create-list`, body: { viewId: x.view, name: 'Made by A' } })),
  ],
  'POST /api/campaigns/:id/actions/relaunch': [
    nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/actions/relaunch`, body: {} })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/actions/relaunch`, body: { viewId: x.view } })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/actions/relaunch`, body: { filter: clickedLink(x.link) } })),
    same((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/actions/relaunch`, body: { filter: openedCampaign(x.sent) } })),
  ],
  'GET /api/campaigns/:id/lineage': [nf((x) => get(`/api/campaigns/${x.sent}/lineage`))],
  'POST /api/campaigns/:id/auto-relaunch': [nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/auto-relaunch`, body: { afterDays: 3, segment: 'openers' } }))],
  'GET /api/campaigns/:id/auto-relaunch': [nf((x) => get(`/api/campaigns/${x.sent}/auto-relaunch`))],
  'POST /api/campaigns/:id/auto-relaunch/:autoRelaunchId/cancel': [
    nf((x) => ({ method: 'POST', path: `/api/campaigns/${x.sent}/auto-relaunch/${x.autoRelaunch}/cancel` })),
    nf((x, a) => ({ method: 'POST', path: `/api/campaigns/${a.sent}/auto-relaunch/${x.autoRelaunch}/cancel` })),
  ],

  // A saved view's filter is checked when it is used on a campaign (the viewId cases above), not when saved.
  'GET /api/views/:id': [nf((x) => get(`/api/views/${x.view}`))],
  'PATCH /api/views/:id': [nf((x) => ({ method: 'PATCH', path: `/api/views/${x.view}`, body: { name: 'Changed by A' } }))],
  'DELETE /api/views/:id': [nf((x) => ({ method: 'DELETE', path: `/api/views/${x.view}` }))],

  // A report posted with A's key is about A's messages only: one naming B's is unmatched, as one naming nothing.
  'POST /api/webhooks/bounces': [
    same((x) => ({ method: 'POST', path: '/api/webhooks/bounces', body: { messageId: x.message, type: 'hard' } })),
    same((x) => ({ method: 'POST', path: '/api/webhooks/bounces', body: { email: x.contactEmail, type: 'hard' } })),
    same((x) => ({ method: 'POST', path: '/api/webhooks/bounces', body: { email: x.contactEmail, campaignId: x.sent, type: 'complaint' } })),
  ],
  'POST /api/webhooks/inbound-email': [
    same((x) => ({ method: 'POST', path: '/api/webhooks/inbound-email', raw: dsn(x.contactEmail, `Message-ID: ${x.providerRef}`) })),
    same((x) => ({
      method: 'POST',
      path: '/api/webhooks/inbound-email',
      raw: dsn(x.contactEmail, `Message-ID: <other@relay.example>\r\nList-Unsubscribe: <http://127.0.0.1/u/${x.tokens.unsubscribe}>`),
    })),
  ],

  'PATCH /api/members/:userId': [nf((x) => ({ method: 'PATCH', path: `/api/members/${x.member}`, body: { role: 'viewer' } }))],
  'DELETE /api/members/:userId': [nf((x) => ({ method: 'DELETE', path: `/api/members/${x.member}` }))],
  'DELETE /api/invitations/:id': [nf((x) => ({ method: 'DELETE', path: `/api/invitations/${x.invitation}` }))],
  'DELETE /api/api-keys/:id': [nf((x) => ({ method: 'DELETE', path: `/api/api-keys/${x.apiKey}` }))],
  'GET /api/domains/:id': [nf((x) => get(`/api/domains/${x.domain}`))],
  'POST /api/domains/:id/check': [nf((x) => ({ method: 'POST', path: `/api/domains/${x.domain}/check` }))],
  'DELETE /api/domains/:id': [nf((x) => ({ method: 'DELETE', path: `/api/domains/${x.domain}` }))],

  'GET /api/templates/:id': [nf((x) => get(`/api/templates/${x.template}`))],
  'PATCH /api/templates/:id': [nf((x) => ({ method: 'PATCH', path: `/api/templates/${x.template}`, body: { name: 'Changed by A' } }))],
  'DELETE /api/templates/:id': [nf((x) => ({ method: 'DELETE', path: `/api/templates/${x.template}` }))],
  'POST /api/templates': [same((x) => ({ method: 'POST', path: '/api/templates', body: { name: 'Copied by A', campaignId: x.draft } }))],
  'GET /api/forms/:id': [nf((x) => get(`/api/forms/${x.form}`))],
  'GET /api/forms/:id/preview': [nf((x) => get(`/api/forms/${x.form}/preview`))],
  'PATCH /api/forms/:id': [nf((x) => ({ method: 'PATCH', path: `/api/forms/${x.form}`, body: { name: 'Changed by A' } }))],
  'DELETE /api/forms/:id': [nf((x) => ({ method: 'DELETE', path: `/api/forms/${x.form}` }))],
  'POST /api/forms': [same((x) => ({ method: 'POST', path: '/api/forms', body: { name: 'Form by A', listIds: [x.list], fields: [], consentText: 'News' } }))],
};

/** Listings where A's own objects show (so an empty answer does not pass for a scoped one). */
const LISTINGS = [
  '/api/contacts',
  '/api/lists',
  '/api/campaigns',
  '/api/fields',
  '/api/views',
  '/api/outbox?limit=500',
  '/api/audit',
  '/api/api-keys',
  '/api/members',
  '/api/invitations',
  '/api/domains',
  '/api/reports/unmatched',
  '/api/workspaces',
  '/api/templates',
  '/api/forms',
  '/api/media',
  '/api/dashboard',
];

/** B's objects as B's own key reads them: compared before and after A's sweep. */
const readBack = (b: Built): string[] =>
  [
    b.contact && `/api/contacts/${b.contact}`,
    b.list && `/api/lists/${b.list}`,
    b.sent && `/api/campaigns/${b.sent}`,
    b.draft && `/api/campaigns/${b.draft}`,
    b.scheduled && `/api/campaigns/${b.scheduled}`,
    b.sent && `/api/campaigns/${b.sent}/stats`,
    b.sent && `/api/campaigns/${b.sent}/auto-relaunch`,
    b.import && `/api/imports/${b.import}`,
    b.view && `/api/views/${b.view}`,
    b.domain && `/api/domains/${b.domain}`,
    b.outbox && `/api/outbox/${b.outbox}?format=json`,
    b.template && `/api/templates/${b.template}`,
    b.form && `/api/forms/${b.form}`,
    '/api/media',
    '/api/fields',
    '/api/lists',
    '/api/members',
    '/api/invitations',
    '/api/api-keys',
  ].filter((path): path is string => typeof path === 'string');

/** Object fields that a reading itself moves (a key's last use). */
const withoutMovingParts = (body: unknown) => JSON.parse(JSON.stringify(body ?? null, (k, v) => (k === 'lastUsedAt' ? undefined : v)));

/** Refuses to build a request from an object that the fixtures could not make. */
const strict = (o: Built): WorkspaceObjects =>
  new Proxy(o, {
    get(target, property) {
      const value = target[property as keyof Built];
      if (value === undefined && typeof property === 'string') throw new Error(`workspace ${target.marker} has no ${property} (see the fixture problems)`);
      return value;
    },
  }) as WorkspaceObjects;

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const show = (a: { status: number; text: string }) => `${a.status} ${a.text.slice(0, 300)}`;

describeEachDatabase('Another workspace’s objects are 404 on every route', (kind) => {
  let t: TestApp;
  let routes: RegisteredRoute[] = [];
  let b: Workspace;
  let objA: Built;
  let objB: Built;
  let missing: WorkspaceObjects;
  const problems: string[] = [];
  let before: Record<string, unknown[]>;
  const readBefore = new Map<string, { status: number; body: unknown }>();

  /** Sends the request with A's key (or another); the answer as text too, to compare and search. */
  async function send(request: Request, apiKey = t.apiKey): Promise<{ status: number; text: string; json: any }> {
    let response: Response;
    if (request.upload) {
      response = await uploadAs(t.baseUrl, apiKey, request.upload.csv, request.upload.fields).then(
        (r) => new Response(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), { status: r.status }),
      );
    } else {
      const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
      let body: string | undefined;
      if (request.raw !== undefined) {
        headers['content-type'] = 'message/rfc822';
        body = request.raw;
      } else if (request.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.body);
      }
      response = await fetch(t.baseUrl + request.path, { method: request.method, headers, body, redirect: 'manual' });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  beforeAll(async () => {
    const registered: RouteOptions[] = [];
    t = await startTestApp(kind, {}, { onRoute: (route) => registered.push(route) });
    routes = routesOf(registered);
    const a: Workspace = { workspaceId: t.ctx.workspaceId, ctx: t.ctx, api: t.api, key: t.apiKey };
    b = await addWorkspace(t, 'Bravo workspace');
    const builtA = await populateWorkspace(t, a, 'alpha');
    const builtB = await populateWorkspace(t, b, 'bravo');
    objA = builtA.objects;
    objB = builtB.objects;
    problems.push(...builtA.problems, ...builtB.problems);
    missing = missingObjects(t, objB);
    for (const path of readBack(objB)) {
      const { status, body } = await b.api('GET', path);
      readBefore.set(path, { status, body: withoutMovingParts(body) });
    }
    before = await snapshotWorkspace(b.ctx, b.workspaceId);
  }, 60_000);
  afterAll(() => t?.close());

  it('builds both workspaces, each with one object of every kind, through the API where a team would', () => {
    expect(problems).toEqual([]);
  });

  it('has a case for every private route whose path names an object, and every case is a registered route', () => {
    const privateRoutes = routes.filter((r) => r.access !== 'public');
    expect(privateRoutes.filter((r) => r.url.includes(':') && !(key(r) in SWEEP)).map(key)).toEqual([]);
    const registered = new Set(routes.map(key));
    expect(Object.keys(SWEEP).filter((route) => !registered.has(route))).toEqual([]);
  });

  it('lists none of B’s objects to A, on every private listing', async () => {
    const leaks: string[] = [];
    const listings = routes.filter((r) => r.method === 'GET' && r.access !== 'public' && !r.url.includes(':') && !r.url.includes('*'));
    expect(listings.length).toBeGreaterThan(10);
    const paths = [...new Set([...listings.map((r) => r.url), ...LISTINGS, '/api/contacts?search=bravo', '/api/campaigns?search=bravo'])];
    for (const path of paths) {
      const answer = await send(get(path));
      if (/bravo/i.test(answer.text)) leaks.push(`GET ${path} → ${show(answer)}`);
    }
    // A's own objects are there: the listings answer, and are scoped rather than empty.
    for (const path of LISTINGS) {
      const answer = await send(get(path));
      if (answer.status !== 200 || !/alpha/i.test(answer.text)) leaks.push(`GET ${path} → ${show(answer)} (A's own objects are missing)`);
    }
    expect(leaks).toEqual([]);
  });

  it('answers A’s key naming B’s objects, in paths and in bodies, exactly as objects that do not exist', async () => {
    const failures: string[] = [];
    let compared = 0;
    const a = strict(objA);
    const bObjects = strict(objB);
    // An answer may quote the id it was given: the missing id stands for B's there.
    const substitutions = (Object.keys(missing) as Array<keyof WorkspaceObjects>)
      .flatMap((k) => (k === 'tokens' ? (['open', 'click', 'unsubscribe'] as const).map((p) => [missing.tokens[p], objB.tokens?.[p]]) : [[missing[k], objB[k]]]))
      .filter(([m, real]) => real !== undefined && (typeof m === 'string' || typeof m === 'number') && m !== missing.marker)
      .map(([m, real]) => [String(m), String(real)] as const)
      .sort(([x], [y]) => y.length - x.length); // an address before the domain in it
    const asIfB = (text: string) => substitutions.reduce((out, [m, real]) => out.split(m).join(real), text);

    for (const [route, cases] of Object.entries(SWEEP)) {
      for (const [i, c] of cases.entries()) {
        const label = `${route} #${i + 1}`;
        let ofB: Request, ofNothing: Request;
        try {
          ofB = c.request(bObjects, a);
          ofNothing = c.request(missing, a);
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message}`);
          continue;
        }
        const answerB = await send(ofB);
        const answerMissing = await send(ofNothing);
        compared++;
        const where = `${label}: ${ofB.method} ${ofB.path.slice(0, 160)} → ${show(answerB)}; for a missing object → ${show(answerMissing)}`;
        if (c.expect === 'not_found' && (answerB.status !== 404 || answerB.json?.error?.code !== 'not_found')) failures.push(`${where} (expected 404 not_found)`);
        else if (answerB.status >= 500) failures.push(`${where} (a server error)`);
        else if (answerB.status !== answerMissing.status || answerB.text !== asIfB(answerMissing.text)) failures.push(`${where} (not the same answer)`);
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(60);
  });

  it('answers 404 to A’s key naming workspace B in X-Workspace', async () => {
    for (const path of ['/api/contacts', '/api/campaigns', `/api/contacts/${objB.contact ?? 1}`]) {
      const answer = await t.api('GET', path, undefined, { 'x-workspace': String(b.workspaceId) });
      expect([answer.status, answer.body?.error?.code]).toEqual([404, 'not_found']);
    }
  });

  it('leaves every one of B’s objects as it was', async () => {
    const after = await snapshotWorkspace(b.ctx, b.workspaceId);
    const changed = Object.keys(before).filter((table) => !isDeepStrictEqual(after[table], before[table]));
    expect(Object.fromEntries(changed.map((table) => [table, after[table]]))).toEqual(Object.fromEntries(changed.map((table) => [table, before[table]])));

    const readAfter = new Map<string, { status: number; body: unknown }>();
    for (const path of readBefore.keys()) {
      const { status, body } = await b.api('GET', path);
      readAfter.set(path, { status, body: withoutMovingParts(body) });
    }
    expect(Object.fromEntries(readAfter)).toEqual(Object.fromEntries(readBefore));
    // What matters most, said plainly.
    const o = strict(objB);
    expect((await b.api('GET', `/api/campaigns/${o.sent}`)).body.status).toBe('sent');
    expect((await b.api('GET', `/api/campaigns/${o.draft}`)).body.status).toBe('draft');
    expect((await b.api('GET', `/api/campaigns/${o.scheduled}`)).body.status).toBe('scheduled');
    const contact = await b.api('GET', `/api/contacts/${o.contact}`);
    expect(contact.body).toMatchObject({ email: o.contactEmail, firstName: 'bravo first', emailStatus: 'subscribed' });
    expect((await b.api('GET', `/api/lists/${o.list}`)).body).toMatchObject({ name: 'bravo list', size: 2 });
    expect((await b.api('GET', '/api/contacts')).status).toBe(200); // B's key still works
    expect(((await b.api('GET', '/api/members')).body as Array<{ userId: number; role: string }>).find((m) => m.userId === o.member)?.role).toBe('editor');
    expect(((await b.api('GET', '/api/invitations')).body as Array<{ id: number }>).map((i) => i.id)).toContain(o.invitation);
    expect((await b.api('GET', `/api/domains/${o.domain}`)).body).toMatchObject({ id: o.domain, domain: o.domainName });
    expect((await b.api('GET', `/api/views/${o.view}`)).body).toMatchObject({ id: o.view, name: 'bravo openers' });
    expect(((await b.api('GET', `/api/campaigns/${o.sent}/auto-relaunch`)).body as Array<{ id: number; status: string }>).find((r) => r.id === o.autoRelaunch)?.status).toBe(
      'pending',
    );
    expect((await b.api('GET', `/api/outbox/${o.outbox}?format=json`)).status).toBe(200);
  });

  it('keeps the public tracking routes working for B’s recipients', async () => {
    const o = strict(objB);
    const events = async () =>
      (await t.ctx.store.db.selectFrom('events').select(['type', 'link_id']).where('message_id', '=', o.message).orderBy('id').execute()).map((e) => e.type);
    const browser = { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15' };
    const pixel = await fetch(`${t.baseUrl}/t/o/${o.tokens.open}`, { headers: browser });
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    const click = await fetch(`${t.baseUrl}/t/c/${o.tokens.click}`, { headers: browser, redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(o.linkUrl);
    const page = await fetch(`${t.baseUrl}/u/${o.tokens.unsubscribe}`, { headers: browser });
    expect(page.status).toBe(200);
    expect(await events()).toEqual(expect.arrayContaining(['open', 'click']));
    await t.folded();
    expect((await b.api('GET', `/api/campaigns/${o.sent}/stats`)).body).toMatchObject({ opens: { unique: 1 }, clicks: { unique: 1 } });
  });
});
