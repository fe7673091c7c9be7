import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { useDnsServer } from '../../test/support/dnsServer.js';

const DMARC_OTHER = 'v=DMARC1; p=reject; rua=mailto:reports@elsewhere.example';

describeEachDatabase('sending domains: the DNS check', (kind) => {
  const dns = useDnsServer();
  const t = useTestApp(kind, dns.env);

  /** Adds the domain; answers its id and the records it asks for, by purpose. */
  async function add(domain: string) {
    const { body } = await t.api('POST', '/api/domains', { domain });
    const [dkim, spf, dmarc] = body.records as Array<{ name: string; value: string }>;
    return { id: body.id as number, dkim: dkim!, spf: spf!, dmarc: dmarc! };
  }

  it('finds nothing published: every record missing, not verified, and the lookups went to the configured server', async () => {
    const domain = await add('bare.shop.test');
    const checked = await t.api('POST', `/api/domains/${domain.id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body.records.map((r: { status: string }) => r.status)).toEqual(['missing', 'missing', 'missing']);
    expect(checked.body.records.every((r: object) => !('found' in r))).toBe(true);
    expect(checked.body).toMatchObject({ verified: false, check: { ok: true, message: 'DKIM missing, SPF missing, DMARC missing' } });
    expect(Date.parse(checked.body.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(dns.queries).toEqual(expect.arrayContaining([`${domain.dkim.name} 16`, 'bare.shop.test 16', '_dmarc.bare.shop.test 16']));
    // Kept: the next read shows the same result.
    expect((await t.api('GET', `/api/domains/${domain.id}`)).body).toEqual(checked.body);
  });

  it('finds the records published as asked (the DKIM key split in 255-character strings): valid and verified', async () => {
    const domain = await add('ready.shop.test');
    expect(domain.dkim.value.length).toBeGreaterThan(255);
    dns.records.set(domain.dkim.name, [domain.dkim.value]);
    // SPF shares the name with other TXT records; any DMARC policy will do.
    dns.records.set('ready.shop.test', ['google-site-verification=abc', 'v=spf1 include:_spf.google.com mx ~all']);
    dns.records.set('_dmarc.ready.shop.test', [DMARC_OTHER]);
    const checked = await t.api('POST', `/api/domains/${domain.id}/check`);
    expect(checked.body.records).toEqual([
      expect.objectContaining({ purpose: 'dkim', status: 'valid', found: [domain.dkim.value] }),
      expect.objectContaining({ purpose: 'spf', status: 'valid', found: ['v=spf1 include:_spf.google.com mx ~all'] }),
      expect.objectContaining({ purpose: 'dmarc', status: 'valid', found: [DMARC_OTHER] }),
    ]);
    expect(checked.body).toMatchObject({ verified: true, check: { ok: true, message: 'DKIM valid, SPF valid, DMARC valid' } });
  });

  it('tells a key published with other words or spacing from another key: same p= is valid, another p= is a mismatch', async () => {
    const domain = await add('keyed.shop.test');
    const p = domain.dkim.value.slice(domain.dkim.value.indexOf('p=') + 2);
    // As some providers write it: tags in another order, the key broken by spaces.
    const spaced = `k=rsa; p=${p.slice(0, 100)} ${p.slice(100)}; v=DKIM1`;
    dns.records.set(domain.dkim.name, [['v=DKIM1; k=rsa; p=', p.slice(0, 200), p.slice(200)]]);
    expect((await t.api('POST', `/api/domains/${domain.id}/check`)).body.records[0].status).toBe('valid');
    dns.records.set(domain.dkim.name, [spaced]);
    expect((await t.api('POST', `/api/domains/${domain.id}/check`)).body.records[0].status).toBe('valid');

    const stale = 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrongwrongwrong';
    dns.records.set(domain.dkim.name, [stale]);
    const checked = await t.api('POST', `/api/domains/${domain.id}/check`);
    expect(checked.body.records[0]).toMatchObject({ status: 'mismatch', found: [stale] });
    expect(checked.body.verified).toBe(false);
    // An emptied p= (a revoked key) is not ours either.
    dns.records.set(domain.dkim.name, ['v=DKIM1; p=']);
    expect((await t.api('POST', `/api/domains/${domain.id}/check`)).body.records[0].status).toBe('mismatch');
  });

  it('calls two SPF records, or a _dmarc record that is not DMARC, a mismatch', async () => {
    const domain = await add('doubled.shop.test');
    dns.records.set('doubled.shop.test', ['v=spf1 mx ~all', 'v=spf1 a -all']);
    dns.records.set('_dmarc.doubled.shop.test', ['hello']);
    const checked = await t.api('POST', `/api/domains/${domain.id}/check`);
    expect(checked.body.records[1]).toMatchObject({ status: 'mismatch', found: ['v=spf1 mx ~all', 'v=spf1 a -all'] });
    expect(checked.body.records[2]).toMatchObject({ status: 'mismatch', found: ['hello'] });
  });
});

describeEachDatabase('sending domains: the DNS check with SPF_INCLUDE', (kind) => {
  const dns = useDnsServer();
  const env = { SPF_INCLUDE: '_spf.mailer.example' };
  const t = useTestApp(kind, Object.assign(dns.env, env));

  it("wants the SPF record to include the mail provider's: without it, a mismatch", async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'shop.test' });
    dns.records.set('shop.test', ['v=spf1 mx ~all']);
    const without = await t.api('POST', `/api/domains/${body.id}/check`);
    expect(without.body.records[1]).toMatchObject({ status: 'mismatch', found: ['v=spf1 mx ~all'] });
    dns.records.set('shop.test', ['v=spf1 mx INCLUDE:_spf.Mailer.example ~all']);
    expect((await t.api('POST', `/api/domains/${body.id}/check`)).body.records[1].status).toBe('valid');
    dns.records.set('shop.test', ['v=spf1 include:_spf.mailer.example.com ~all']);
    expect((await t.api('POST', `/api/domains/${body.id}/check`)).body.records[1].status).toBe('mismatch');
  });
});
