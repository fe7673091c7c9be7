import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { addWorkspace } from '../../test/support/workspaces.js';
import { AppError } from '../http/errors.js';
import { assertSenderAllowed } from './domains.js';

const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describeEachDatabase('sending domains: the From address', (kind) => {
  const t = useTestApp(kind);

  it('allows any From while the workspace has no sending domain, even when another workspace has some', async () => {
    const b = await addWorkspace(t);
    await b.api('POST', '/api/domains', { domain: 'brand-b.test' });
    await expect(assertSenderAllowed(t.ctx, 'news@anything.test')).resolves.toBeUndefined();
    await expect(assertSenderAllowed(b.ctx, 'news@anything.test')).rejects.toThrow('news@anything.test');
  });

  it('once it has one, allows its addresses only: another From is a 400 naming the address and the domains', async () => {
    await t.api('POST', '/api/domains', { domain: 'shop.test' });
    await t.api('POST', '/api/domains', { domain: 'news.shop.test' });
    await expect(assertSenderAllowed(t.ctx, 'offers@shop.test')).resolves.toBeUndefined();
    await expect(assertSenderAllowed(t.ctx, 'Offers@NEWS.Shop.Test')).resolves.toBeUndefined();

    for (const from of ['offers@other.test', 'offers@mail.shop.test', 'offers@shop.test.evil.test']) {
      const error = await refusal(assertSenderAllowed(t.ctx, from));
      expect(error, from).toBeInstanceOf(AppError);
      expect(error, from).toMatchObject({
        status: 400,
        code: 'bad_request',
        message: `${from} is not on a sending domain of this workspace (news.shop.test, shop.test)`,
        path: '$.fromEmail',
      });
    }
    expect(await refusal(assertSenderAllowed(t.ctx, 'x@other.test', '$.abTest.fromEmail'))).toMatchObject({ path: '$.abTest.fromEmail' });
  });
});
