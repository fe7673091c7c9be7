import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { outboxMails, pressConfirm, signUp } from '../../test/support/forms.js';
import { createScenario, type Scenario } from '../../test/support/trackingScenario.js';

const CLIENT = '203.0.113.77';
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const INFO = 30;
const DEBUG = 20;

describeEachDatabase('request logging', (kind) => {
  let t: TestApp;
  let s: Scenario;
  const lines: string[] = [];
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    // At debug, the most the log ever says; the client comes through a trusted proxy with its own address.
    t = await startTestApp(kind, { LOG_LEVEL: 'debug', TRUST_PROXY: '127.0.0.1' }, { logger: true, logStream: { write: (line: string) => void lines.push(line) } });
    s = await createScenario(t.ctx, { recipients: 2 });
  });
  afterAll(() => t.close());

  const get = (path: string) => fetch(t.baseUrl + path, { redirect: 'manual', headers: { 'user-agent': BROWSER, 'x-forwarded-for': CLIENT } });

  it('never writes a token, an email or a full client address; public links appear only at debug, by route pattern', async () => {
    const tokens = [s.token(0, 'open'), s.token(0, 'click', 1), s.token(1, 'unsubscribe'), s.token(1, 'view')];
    expect((await get(`/t/o/${tokens[0]}`)).status).toBe(200);
    expect((await get(`/t/c/${tokens[1]}`)).status).toBe(302);
    expect((await get(`/u/${tokens[2]}`)).status).toBe(200);
    await get(`/v/${tokens[3]}`);
    expect((await get('/s/SecretCode123')).status).toBe(404);
    expect((await t.api('GET', '/api/lists', undefined, { 'x-forwarded-for': CLIENT })).status).toBe(200);
    const signIn = await fetch(`${t.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': CLIENT },
      body: JSON.stringify({ email: 'someone@example.test', password: 'wrong-password' }),
    });
    expect(signIn.status).toBe(401);

    const log = lines.join('');
    for (const secret of [...tokens, 'SecretCode123', CLIENT, 'someone@example.test', 'wrong-password', t.apiKey]) expect(log).not.toContain(secret);

    // The API: one line per request at info, by route pattern, with its status and duration.
    expect(entries().filter((e) => e.level === INFO && e.msg === 'request')).toEqual([
      expect.objectContaining({ method: 'GET', route: '/api/lists', status: 200, ms: expect.any(Number) }),
      expect.objectContaining({ method: 'POST', route: '/api/session', status: 401, ms: expect.any(Number) }),
    ]);
    // The links that messages carry: only at debug, by route pattern and with the client's network.
    const publicLines = entries().filter((e) => e.level === DEBUG && e.msg === 'request');
    expect(publicLines.map((e) => e.route)).toEqual(['/t/o/:token', '/t/c/:token', '/u/:token', '/v/:token', '/s/:code']);
    for (const line of publicLines) expect(line.remoteAddress).toBe('203.0.113.0');
  });

  it('logs a sign-up and its confirmation by route pattern, without the address, the names or the confirmation token', async () => {
    const list = (await t.api('POST', '/api/lists', { name: 'News' })).body;
    const form = (await t.api('POST', '/api/forms', { name: 'News', listIds: [list.id], fields: [{ name: 'firstName' }], consentText: 'News by email' })).body;
    const from = { 'user-agent': BROWSER, 'x-forwarded-for': CLIENT };
    lines.length = 0;
    expect((await signUp(t, form.slug, { email: 'hedy.lamarr@example.test', firstName: 'Hedy' }, from)).status).toBe(200);
    const token = (await outboxMails(t)).find((mail) => mail.to.includes('hedy.lamarr@example.test'))!.confirmToken!;
    expect((await pressConfirm(t, token, from)).status).toBe(200);

    const log = lines.join('');
    for (const secret of ['hedy.lamarr', 'Hedy', token, CLIENT]) expect(log).not.toContain(secret);
    const routes = entries().filter((e) => e.msg === 'request').map((e) => `${e.method} ${e.route}`);
    expect(routes).toEqual(expect.arrayContaining(['GET /f/:slug', 'POST /f/:slug', 'GET /c/:token', 'POST /c/:token']));
  });
});
