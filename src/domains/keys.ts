import { createCipheriv, createDecipheriv, generateKeyPair, hkdfSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * A sending domain's DKIM key pair. RSA 2048: what every receiver verifies (Ed25519 DKIM is not
 * widely checked yet) and what nodemailer signs with; its public key (392 base64 characters) fits
 * one TXT record, which DNS providers split into 255-character strings by themselves.
 */
export async function newKeyPair(): Promise<{ privateKeyPem: string; publicKey: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/**
 * The selector names the key in DNS (`<selector>._domainkey.<domain>`): `rk` and the month it was
 * made, so a later rotation reads as such, and a random part, so that the same domain added in two
 * workspaces, or removed and added again, never asks for a record that another key holds.
 */
export const newSelector = (now: number) => `rk${new Date(now).toISOString().slice(0, 7).replace('-', '')}-${randomBytes(3).toString('hex')}`;

/** Where a sealed key belongs: a key copied onto another row does not open. */
export interface KeyOwner {
  workspaceId: number;
  domain: string;
  selector: string;
}

const FORMAT = 'v1';
// Its own key, derived from the instance secret: the tracking tokens' HMAC key is never used to encrypt.
const sealingKey = (secret: Buffer) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ricochet sending-domain dkim key', 32));
const ownerData = (owner: KeyOwner) => Buffer.from(`${owner.workspaceId}\n${owner.domain}\n${owner.selector}`);

/** The private key as stored: AES-256-GCM under a key derived from the instance secret, so a copy of the database alone signs nothing. */
export function sealPrivateKey(secret: Buffer, owner: KeyOwner, pem: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  cipher.setAAD(ownerData(owner));
  const sealed = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), sealed].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export class UnreadableKeyError extends Error {}

/** The PEM back; a PEM stored as such (put in by hand) is taken as it is. */
export function openPrivateKey(secret: Buffer, owner: KeyOwner, stored: string): string {
  if (stored.startsWith('-----BEGIN')) return stored;
  const [format, iv, tag, sealed] = stored.split('.');
  const problem = (why: string) => new UnreadableKeyError(`The DKIM key of ${owner.domain} (selector ${owner.selector}) cannot be read: ${why}`);
  if (format !== FORMAT || !iv || !tag || sealed === undefined) throw problem('it is not in a form Ricochet stores');
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(ownerData(owner));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw problem('it was sealed under another SECRET (remove the domain and add it again, or restore the SECRET it was made with)');
  }
}
