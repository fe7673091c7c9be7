import { createPublicKey, sign, verify } from 'node:crypto';
import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { signingKeyFor } from './domains.js';

describeEachDatabase('sending domains: adding one', (kind) => {
  const t = useTestApp(kind);

  it('answers the DKIM, SPF and DMARC records to publish, unchecked', async () => {
    const added = await t.api('POST', '/api/domains', { domain: ' News.Shop.TEST. ' });
    expect(added.status).toBe(201);
    const { id, selector, records } = added.body;
    expect(selector).toMatch(/^rk\d{6}-[0-9a-f]{6}$/);
    expect(selector.slice(2, 8)).toBe(new Date().toISOString().slice(0, 7).replace('-', ''));
    expect(added.body).toMatchObject({ domain: 'news.shop.test', checkedAt: null, verified: false, check: null });
    expect(Date.parse(added.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(records).toEqual([
      { purpose: 'dkim', type: 'TXT', name: `${selector}._domainkey.news.shop.test`, value: expect.stringMatching(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/), status: 'unchecked' },
      // No SPF_INCLUDE configured: the domain's own MX hosts.
      { purpose: 'spf', type: 'TXT', name: 'news.shop.test', value: 'v=spf1 mx ~all', status: 'unchecked' },
      { purpose: 'dmarc', type: 'TXT', name: '_dmarc.news.shop.test', value: 'v=DMARC1; p=none; rua=mailto:dmarc-reports@news.shop.test', status: 'unchecked' },
    ]);
    expect((await t.api('GET', `/api/domains/${id}`)).body).toEqual(added.body);
    expect((await t.api('GET', '/api/domains')).body).toEqual([added.body]);

    const audit = await t.api('GET', '/api/audit');
    expect(audit.body.items[0]).toMatchObject({ action: 'domain.add', objectType: 'sending_domain', objectId: id, actor: { type: 'apikey', name: 'test' }, details: { domain: 'news.shop.test', selector } });
  });

  it('makes an RSA 2048 key pair whose private half, kept encrypted, signs what the published half verifies', async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'keys.shop.test' });
    const published = /p=(\S+)$/.exec(body.records[0].value)![1]!;
    const publicKey = createPublicKey({ key: Buffer.from(published, 'base64'), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    const row = await t.ctx.store.db.selectFrom('sending_domains').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.public_key).toBe(published);
    expect(row.private_key).not.toContain('PRIVATE KEY');
    expect(row.private_key).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);

    const key = await signingKeyFor(t.ctx, t.ctx.workspaceId, 'Offers@Keys.Shop.Test');
    expect(key).toMatchObject({ domainName: 'keys.shop.test', keySelector: body.selector });
    expect(key!.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
    const message = Buffer.from('From: offers@keys.shop.test\r\nSubject: Spring sale\r\n');
    const signature = sign('sha256', message, key!.privateKey);
    expect(verify('sha256', message, publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('Subject: something else'), publicKey, signature)).toBe(false);

    // Another domain, another key.
    const other = await t.api('POST', '/api/domains', { domain: 'other.shop.test' });
    expect(other.body.records[0].value).not.toBe(body.records[0].value);
    expect(await signingKeyFor(t.ctx, t.ctx.workspaceId, 'a@unknown.shop.test')).toBeUndefined();
  });

  it('opens the key only with the instance secret, and says why when it cannot', async () => {
    await t.api('POST', '/api/domains', { domain: 'sealed.shop.test' });
    const otherSecret = { store: t.ctx.store, secret: Buffer.from('another-secret-that-is-long-enough-0123') };
    await expect(signingKeyFor(otherSecret, t.ctx.workspaceId, 'a@sealed.shop.test')).rejects.toThrow(
      'The DKIM key of sealed.shop.test (selector rk',
    );
    await expect(signingKeyFor(otherSecret, t.ctx.workspaceId, 'a@sealed.shop.test')).rejects.toThrow('sealed under another SECRET');

    // A sealed key copied onto another domain's row does not open there.
    const copy = await t.api('POST', '/api/domains', { domain: 'copy.shop.test' });
    const sealed = await t.ctx.store.db.selectFrom('sending_domains').select('private_key').where('domain', '=', 'sealed.shop.test').executeTakeFirstOrThrow();
    await t.ctx.store.db.updateTable('sending_domains').set({ private_key: sealed.private_key }).where('id', '=', copy.body.id).execute();
    await expect(signingKeyFor(t.ctx, t.ctx.workspaceId, 'a@copy.shop.test')).rejects.toThrow('The DKIM key of copy.shop.test');
  });

  it('refuses what is not a domain name, naming it, and stores international names in ASCII', async () => {
    for (const domain of ['localhost', 'shop..test', '-shop.test', 'shop-.test', 'sh op.test', 'shop_x.test', '192.168.1.10', 'a@shop.test', `${'a'.repeat(64)}.test`]) {
      const refused = await t.api('POST', '/api/domains', { domain });
      expect(refused.status, domain).toBe(400);
      expect(refused.body.error, domain).toEqual({ code: 'bad_request', message: `"${domain}" is not a domain name (e.g. mail.example.com)`, path: '$.domain' });
    }
    const long = `${'abcdefghi.'.repeat(25)}test`;
    expect(long.length).toBe(254);
    const tooLong = await t.api('POST', '/api/domains', { domain: long });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toBe(`"${long}" is longer than the 253 characters a domain name may have`);
    expect((await t.api('POST', '/api/domains', {})).status).toBe(400);
    expect((await t.api('POST', '/api/domains', { domain: 'ok.shop.test', selector: 'mine' })).status).toBe(400);

    const idn = await t.api('POST', '/api/domains', { domain: 'Bücher.Shop.test' });
    expect(idn.status).toBe(201);
    expect(idn.body.domain).toBe('xn--bcher-kva.shop.test');
  });

  it('answers 409 when the workspace already has the domain, however it is spelt', async () => {
    expect((await t.api('POST', '/api/domains', { domain: 'twice.shop.test' })).status).toBe(201);
    const again = await t.api('POST', '/api/domains', { domain: 'TWICE.shop.test.' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', message: 'twice.shop.test is already a sending domain of this workspace' });
    const rows = await t.ctx.store.db.selectFrom('sending_domains').select('id').where('domain', '=', 'twice.shop.test').execute();
    expect(rows).toHaveLength(1);
  });

  it('removes a domain: 204, gone from the list, its key no longer handed out, audited', async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'gone.shop.test' });
    expect((await t.api('DELETE', `/api/domains/${body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/domains/${body.id}`)).status).toBe(404);
    expect((await t.api('DELETE', `/api/domains/${body.id}`)).body.error).toMatchObject({ code: 'not_found', message: 'Sending domain not found' });
    expect((await t.api('GET', '/api/domains')).body.map((d: { domain: string }) => d.domain)).not.toContain('gone.shop.test');
    expect(await signingKeyFor(t.ctx, t.ctx.workspaceId, 'a@gone.shop.test')).toBeUndefined();
    const audit = await t.api('GET', '/api/audit');
    expect(audit.body.items[0]).toMatchObject({ action: 'domain.remove', objectId: body.id, details: { domain: 'gone.shop.test', selector: body.selector } });
  });
});

describeEachDatabase('sending domains: with SPF_INCLUDE', (kind) => {
  const t = useTestApp(kind, { SPF_INCLUDE: '_spf.mailer.example' });

  it("asks for an SPF record that includes the mail provider's", async () => {
    const { body } = await t.api('POST', '/api/domains', { domain: 'shop.test' });
    expect(body.records[1]).toEqual({ purpose: 'spf', type: 'TXT', name: 'shop.test', value: 'v=spf1 include:_spf.mailer.example ~all', status: 'unchecked' });
  });
});
