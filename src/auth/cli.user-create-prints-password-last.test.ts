import { expect, it } from 'vitest';
import { useCliDatabase } from '../../test/support/cli.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { authenticate } from './users.js';

describeEachDatabase('ricochet user create', (kind) => {
  const t = useCliDatabase(kind);
  const { ricochet } = t;

  it('prints a password on its last line that signs the new user in', async () => {
    const { stdout } = await ricochet('user', 'create', 'Owner@Example.com');
    const password = stdout.trim().split('\n').at(-1)!;
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(await authenticate(t.store, 'owner@example.com', password)).toMatchObject({ email: 'owner@example.com' });
    expect(await authenticate(t.store, 'owner@example.com', password + 'x')).toBeUndefined();
  });

  it('refuses to create the same user twice, and resets a password on request', async () => {
    await expect(ricochet('user', 'create', 'owner@example.com')).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
    const { stdout } = await ricochet('user', 'reset-password', 'owner@example.com');
    const password = stdout.trim().split('\n').at(-1)!;
    expect(await authenticate(t.store, 'owner@example.com', password)).toBeDefined();
  });
});
