import { createApiKey } from '../../src/auth/apiKeys.js';
import { inWorkspace, type WorkspaceContext } from '../../src/context.js';
import type { Role } from '../../src/db/schema.js';
import { generateKeyPairSync } from 'node:crypto';
import { createUser } from '../../src/auth/users.js';
import { sealPrivateKey } from '../../src/domains/keys.js';
import { apiCall, type ApiCall, type TestApp } from './app.js';

/** A new workspace beside the test app's first one: its context (to build data with the scenario helpers) and an API caller with a key of `role`. */
export async function addWorkspace(t: TestApp, name = 'Brand B', role: Role = 'admin'): Promise<{ workspaceId: number; ctx: WorkspaceContext; api: ApiCall; key: string }> {
  const { id } = await t.ctx.store.db.insertInto('workspaces').values({ name, created_at: t.ctx.now() }).returning('id').executeTakeFirstOrThrow();
  const { key } = await createApiKey(t.ctx.store, `${name} ${role}`, { workspaceId: id, role });
  return { workspaceId: id, ctx: inWorkspace(t.ctx, id), api: t.apiWith(key), key };
}

/** An API caller in the test app's first workspace with a key of `role`. */
export async function apiAs(t: TestApp, role: Role): Promise<ApiCall> {
  const { key } = await createApiKey(t.ctx.store, `as ${role}`, { workspaceId: t.ctx.workspaceId, role });
  return t.apiWith(key);
}

/** A browser's session: signs in through POST /api/session and calls the API with its cookie and CSRF token. */
export async function signIn(t: TestApp, email: string, password: string): Promise<ApiCall> {
  const response = await fetch(`${t.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (response.status !== 201) throw new Error(`sign-in of ${email}: ${response.status} ${await response.text()}`);
  const { csrfToken } = await response.json();
  return apiCall(t.baseUrl, { cookie: response.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken });
}

/** A new user of the test app's first workspace with `role`, signed in. */
export async function memberSignedIn(t: TestApp, email: string, role: Role): Promise<{ userId: number; call: ApiCall }> {
  const user = await createUser(t.ctx.store, email, t.ctx.now(), { workspaceId: t.ctx.workspaceId, role });
  return { userId: user.id, call: await signIn(t, email, user.password) };
}

/** An RSA key pair as a DKIM key: the private PEM, and the public key as the record's p=. */
export function dkimKeyPair(): { pem: string; p: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), p: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** A sending domain of the workspace stored as the domains feature stores it: its private key sealed under the instance secret (or `secret`). */
export async function addSendingDomain(ctx: WorkspaceContext, domain: string, selector: string, key = dkimKeyPair(), secret = ctx.secret): Promise<void> {
  await ctx.store.db
    .insertInto('sending_domains')
    .values({
      workspace_id: ctx.workspaceId,
      domain,
      selector,
      private_key: sealPrivateKey(secret, { workspaceId: ctx.workspaceId, domain, selector }, key.pem),
      public_key: key.p,
      created_at: ctx.now(),
    })
    .execute();
}
