import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * Signed tracking tokens (SPEC §5).
 *
 * A token is base64url(payload ‖ tag), 22 bytes → 30 characters:
 *   payload (10 bytes) = version ‖ purpose ‖ subject id (uint48) ‖ link position (uint16)
 *   tag (12 bytes, 96 bits) = SHA-256(subjectKey ‖ payload), truncated
 *   subjectKey = HMAC-SHA256(SECRET, scope ‖ subject id)
 *
 * The subject is a message (one recipient of one campaign) or, for contacts
 * without tracking consent, the campaign itself (anonymous tokens). Signing all
 * the links of one message costs one HMAC plus one SHA-256 per link instead of
 * one HMAC per link: the subject key is secret and of fixed length, payloads are
 * of fixed length and tags are truncated, so keyed SHA-256 is a sound MAC here
 * (no length extension is possible). Every field of the payload is covered by the
 * tag, so a token cannot be turned into one for another recipient, message, link
 * or purpose; nothing in it names a contact.
 */

export type TokenPurpose = 'open' | 'click' | 'unsubscribe' | 'view';

export interface TokenClaims {
  purpose: TokenPurpose;
  /** True when subjectId is a campaign id (anonymous tracking), false when it is a message id. */
  anonymous: boolean;
  subjectId: number;
  /** Position of the link inside its campaign (1..n) for clicks; 0 otherwise. */
  link: number;
}

const VERSION = 1;
const PAYLOAD_BYTES = 10;
const TAG_BYTES = 12;
export const TOKEN_LENGTH = Math.ceil(((PAYLOAD_BYTES + TAG_BYTES) * 4) / 3);

const PURPOSES: TokenPurpose[] = ['open', 'click', 'unsubscribe', 'view'];
const purposeByte = (purpose: TokenPurpose, anonymous: boolean) => PURPOSES.indexOf(purpose) + (anonymous ? 0x10 : 0);

function subjectKey(secret: Buffer, anonymous: boolean, subjectId: number): Buffer {
  const scope = Buffer.alloc(7);
  scope[0] = anonymous ? 0x63 /* c */ : 0x6d; /* m */
  scope.writeUIntBE(subjectId, 1, 6);
  return createHmac('sha256', secret).update(scope).digest();
}

function tag(key: Buffer, payload: Buffer): Buffer {
  return hash('sha256', Buffer.concat([key, payload]), 'buffer').subarray(0, TAG_BYTES);
}

function payloadOf(purpose: TokenPurpose, anonymous: boolean, subjectId: number, link: number): Buffer {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload[0] = VERSION;
  payload[1] = purposeByte(purpose, anonymous);
  payload.writeUIntBE(subjectId, 2, 6);
  payload.writeUInt16BE(link, 8);
  return payload;
}

export interface Signer {
  token(purpose: TokenPurpose, link?: number): string;
}

/**
 * Signs the tokens of one message (anonymous=false) or one campaign's anonymous
 * tokens (anonymous=true); computes the subject key once.
 */
export function signer(secret: Buffer, subjectId: number, anonymous = false): Signer {
  if (!Number.isSafeInteger(subjectId) || subjectId < 1 || subjectId >= 2 ** 48) throw new RangeError('subject id out of range');
  const key = subjectKey(secret, anonymous, subjectId);
  return {
    token(purpose, link = 0) {
      if (!Number.isInteger(link) || link < 0 || link > 0xffff) throw new RangeError('link position out of range');
      const payload = payloadOf(purpose, anonymous, subjectId, link);
      return Buffer.concat([payload, tag(key, payload)]).toString('base64url');
    },
  };
}

/** The claims of a genuine token; undefined for anything forged, truncated or malformed. */
export function verifyToken(secret: Buffer, token: string): TokenClaims | undefined {
  if (token.length !== TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== PAYLOAD_BYTES + TAG_BYTES || bytes[0] !== VERSION) return undefined;
  const kind = bytes[1]!;
  const anonymous = (kind & 0x10) !== 0;
  const purpose = PURPOSES[kind & 0x0f];
  if (!purpose || (kind & ~0x1f) !== 0) return undefined;
  const subjectId = bytes.readUIntBE(2, 6);
  if (subjectId < 1) return undefined;
  const payload = bytes.subarray(0, PAYLOAD_BYTES);
  const expected = tag(subjectKey(secret, anonymous, subjectId), payload);
  if (!timingSafeEqual(expected, bytes.subarray(PAYLOAD_BYTES))) return undefined;
  return { purpose, anonymous, subjectId, link: bytes.readUInt16BE(8) };
}
