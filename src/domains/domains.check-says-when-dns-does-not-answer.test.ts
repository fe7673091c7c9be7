import { createSocket } from 'node:dgram';
import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { useDnsServer } from '../../test/support/dnsServer.js';

describeEachDatabase('sending domains: a check while DNS does not answer', (kind) => {
  const dns = useDnsServer();
  const t = useTestApp(kind, dns.env);

  /** A domain whose records are all published and checked once: verified. */
  async function verifiedDomain(domain: string) {
    const { body } = await t.api('POST', '/api/domains', { domain });
    dns.records.set(body.records[0].name, [body.records[0].value]);
    dns.records.set(domain, ['v=spf1 mx ~all']);
    dns.records.set(`_dmarc.${domain}`, ['v=DMARC1; p=none']);
    dns.mode = 'answer';
    const first = await t.api('POST', `/api/domains/${body.id}/check`);
    expect(first.body).toMatchObject({ verified: true, check: { ok: true } });
    return first.body as { id: number; checkedAt: string };
  }

  it('times out: every record unreachable, a clear "could not check", never a 500, and verified kept', async () => {
    const domain = await verifiedDomain('quiet.shop.test');
    dns.mode = 'silent';
    const started = Date.now();
    const checked = await t.api('POST', `/api/domains/${domain.id}/check`);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(checked.status).toBe(200);
    expect(checked.body.records.map((r: { status: string }) => r.status)).toEqual(['unreachable', 'unreachable', 'unreachable']);
    expect(checked.body.check).toEqual({ ok: false, message: `Could not check: DNS did not answer (timed out; asked ${dns.address})` });
    // The outage says nothing about the records: the key found before still counts.
    expect(checked.body.verified).toBe(true);
    expect(Date.parse(checked.body.checkedAt)).toBeGreaterThanOrEqual(Date.parse(domain.checkedAt));
    expect((await t.api('GET', `/api/domains/${domain.id}`)).body).toEqual(checked.body);
  });

  it('answers SERVFAIL: unreachable, with the reason', async () => {
    const domain = await verifiedDomain('failing.shop.test');
    dns.mode = 'servfail';
    const checked = await t.api('POST', `/api/domains/${domain.id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body.records.map((r: { status: string }) => r.status)).toEqual(['unreachable', 'unreachable', 'unreachable']);
    expect(checked.body.check).toEqual({ ok: false, message: `Could not check: DNS did not answer (server failure; asked ${dns.address})` });
  });

  it('a never-verified domain stays unverified when DNS is down', async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'new.shop.test' });
    dns.mode = 'servfail';
    const checked = await t.api('POST', `/api/domains/${body.id}/check`);
    expect(checked.body).toMatchObject({ verified: false, check: { ok: false } });
  });
});

/** A UDP port on loopback that nothing listens on any more. */
const closedPort = await new Promise<number>((resolve) => {
  const socket = createSocket('udp4').bind(0, '127.0.0.1', () => {
    const { port } = socket.address();
    socket.close(() => resolve(port));
  });
});

describeEachDatabase('sending domains: a check with no DNS server listening', (kind) => {
  const env = { DNS_SERVERS: `127.0.0.1:${closedPort}` };
  const t = useTestApp(kind, env);

  it('is refused: unreachable, with the reason and the server asked', async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'shop.test' });
    const checked = await t.api('POST', `/api/domains/${body.id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body.records.map((r: { status: string }) => r.status)).toEqual(['unreachable', 'unreachable', 'unreachable']);
    expect(checked.body.check).toEqual({ ok: false, message: `Could not check: DNS did not answer (connection refused; asked ${env.DNS_SERVERS})` });
  });
});
