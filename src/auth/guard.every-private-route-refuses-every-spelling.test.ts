import type { RouteOptions } from 'fastify';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { WEB_BUILD_DIR } from '../web.js';

/** The only routes that answer without credentials, each declared so on its own route. */
const PUBLIC_ROUTES = [
  'GET /healthz',
  'GET /api/openapi.json',
  'POST /api/session',
  'GET /api/invitations/:token',
  'POST /api/invitations/:token/accept',
  'GET /t/o/:token',
  'GET /t/c/:token',
  'GET /s/:code',
  'GET /u/:token',
  'POST /u/:token',
  'GET /v/:token',
  // Images in emails, sign-up forms and their confirmation links are opened by anyone.
  'GET /media/:file',
  'GET /f/:slug',
  'POST /f/:slug',
  'OPTIONS /f/:slug',
  'GET /c/:token',
  'POST /c/:token',
  'GET /*',
];

interface Route {
  method: string;
  url: string;
  isPublic: boolean;
}

const isPublic = (route: RouteOptions) => route.config?.access === 'public';

/** Sends exactly this request target (fetch would normalise it), without credentials unless given. */
function send(port: number, method: string, target: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** /api/campaigns/:id/test → /api/campaigns/1/test */
const concrete = (url: string) => url.replace(/:\w+/g, (param) => (param === ':id' || param.endsWith('Id') ? '1' : 'x')).replace(/\*/g, 'x');
const encodeLetter = (path: string, index: number) => path.slice(0, index) + '%' + path.charCodeAt(index).toString(16) + path.slice(index + 1);
const encodeAllLetters = (path: string) => path.replace(/[a-z]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** Every way of writing one route's path that an attacker would try. */
function spellings(method: string, url: string): Array<[string, string]> {
  const path = concrete(url);
  const lastLetter = path.search(/[a-z][^a-z]*$/);
  const list: Array<[string, string]> = [
    [method, path],
    [method, encodeLetter(path, 1)],
    [method, encodeLetter(path, lastLetter)],
    [method, encodeAllLetters(path)],
    [method, `http://attacker.example${path}`],
    [method, `http://localhost${encodeLetter(path, 1)}`],
    [method, `${path}/`],
    [method, `/${path}`],
    [method, path.replace('/api/', '/api//')],
    [method, `${path}?x=1`],
  ];
  if (method === 'GET') list.push(['HEAD', path], ['HEAD', encodeLetter(path, 1)], ['HEAD', `http://x${path}`]);
  return list;
}

describeEachDatabase('Authorization on the matched route', (kind) => {
  let t: TestApp;
  let port: number;
  let routes: Route[] = [];

  beforeAll(async () => {
    // Read once every hook has seen them: a scope may declare its routes public in its own onRoute hook.
    const registered: RouteOptions[] = [];
    t = await startTestApp(kind, {}, { onRoute: (route) => registered.push(route) });
    port = Number(new URL(t.baseUrl).port);
    routes = registered.flatMap((route) =>
      [route.method]
        .flat()
        .filter((method) => method !== 'HEAD') // Fastify's own HEAD twin of a GET route: tried below as a spelling
        .map((method) => ({ method, url: route.url, isPublic: isPublic(route) })),
    );
  });
  afterAll(() => t.close());

  it('declares public only the tracking, sign-in, invitation link, health, OpenAPI and web app routes', () => {
    const isWebFile = (url: string) => url === '/' || existsSync(join(WEB_BUILD_DIR, url));
    const declaredPublic = routes.filter((r) => r.isPublic && !PUBLIC_ROUTES.includes(`${r.method} ${r.url}`));
    expect(declaredPublic.filter((r) => !isWebFile(r.url))).toEqual([]);
    expect(routes.filter((r) => r.isPublic).length).toBeGreaterThanOrEqual(PUBLIC_ROUTES.length);
    // The routes that matter most are among those checked below.
    const privateRoutes = routes.filter((r) => !r.isPublic).map((r) => `${r.method} ${r.url}`);
    expect(privateRoutes).toEqual(expect.arrayContaining(['GET /api/contacts', 'POST /api/contacts', 'POST /api/campaigns/:id/test', 'GET /api/session', 'POST /api/webhooks/bounces']));
    expect(privateRoutes.length).toBeGreaterThan(40);
  });

  it('answers 401 to every private route, in every spelling, without credentials', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      for (const [method, target] of spellings(route.method, route.url)) {
        const { status } = await send(port, method, target).catch((error: Error) => ({ status: error.message }));
        if (status !== 401) failures.push(`${method} ${target} → ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 to a forged key or session in the spellings that once walked around the guard', async () => {
    for (const target of ['/%61pi/contacts', '/ap%69/contacts', 'http://x/api/contacts']) {
      expect((await send(port, 'GET', target, { authorization: 'Bearer rk_forged' })).status).toBe(401);
      expect((await send(port, 'GET', target, { cookie: 'ricochet_session=forged' })).status).toBe(401);
    }
  });

  it('reaches the same route with a valid key in every spelling, so the 401s above come from the guard', async () => {
    const failures: string[] = [];
    for (const [method, target] of spellings('GET', '/api/contacts')) {
      const { status, body } = await send(port, method, target, { authorization: `Bearer ${t.apiKey}` });
      if (status !== 200 || (method === 'GET' && !body.includes('"items"'))) failures.push(`${method} ${target} → ${status}`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps the public routes public', async () => {
    expect((await send(port, 'GET', '/healthz')).status).toBe(200);
    expect((await send(port, 'GET', '/api/openapi.json')).status).toBe(200);
    expect((await send(port, 'GET', '/t/o/not-a-token')).status).toBe(200); // the pixel, recording nothing
    expect((await send(port, 'GET', '/u/not-a-token')).status).toBe(404); // a page, not a 401
    expect((await send(port, 'POST', '/api/session', { 'content-type': 'application/json' })).status).toBe(400);
  });

  it('answers a path that matches no route with the ordinary 404', async () => {
    const { status, body } = await send(port, 'POST', '/api/no-such-thing');
    expect(status).toBe(404);
    expect(JSON.parse(body).error.code).toBe('not_found');
  });
});
