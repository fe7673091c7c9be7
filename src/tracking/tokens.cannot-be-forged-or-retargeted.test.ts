import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signer, TOKEN_LENGTH, verifyToken } from './tokens.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0001');

describe('tracking tokens', () => {
  it('round-trips purpose, message and link, in 30 URL-safe characters', () => {
    const sign = signer(secret, 123456);
    const token = sign.token('click', 7);
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(token).toMatch(/^[A-Za-z0-9_-]{30}$/);
    expect(verifyToken(secret, token)).toEqual({ purpose: 'click', anonymous: false, subjectId: 123456, link: 7 });
    expect(verifyToken(secret, sign.token('open'))).toEqual({ purpose: 'open', anonymous: false, subjectId: 123456, link: 0 });
    expect(verifyToken(secret, signer(secret, 9, true).token('click', 2))).toEqual({ purpose: 'click', anonymous: true, subjectId: 9, link: 2 });
  });

  it('gives every recipient and link its own token', () => {
    const tokens = new Set<string>();
    for (let m = 1; m <= 50; m++) for (let l = 1; l <= 5; l++) tokens.add(signer(secret, m).token('click', l));
    expect(tokens.size).toBe(250);
  });

  it('refuses a token whose message, link, purpose or anonymity was changed', () => {
    const token = signer(secret, 1000).token('click', 3);
    const bytes = Buffer.from(token, 'base64url');
    const tamper = (offset: number, value: number) => {
      const copy = Buffer.from(bytes);
      copy[offset] = value;
      return copy.toString('base64url');
    };
    expect(verifyToken(secret, tamper(7, bytes[7]! ^ 1))).toBeUndefined(); // another message
    expect(verifyToken(secret, tamper(9, 4))).toBeUndefined(); // another link
    expect(verifyToken(secret, tamper(1, 2))).toBeUndefined(); // click → unsubscribe
    expect(verifyToken(secret, tamper(1, 0x11))).toBeUndefined(); // personal → anonymous
    expect(verifyToken(secret, tamper(21, bytes[21]! ^ 0x80))).toBeUndefined(); // tag
  });

  it('refuses truncated, padded, foreign-key and random tokens', () => {
    const token = signer(secret, 42).token('open');
    expect(verifyToken(secret, token.slice(0, -1))).toBeUndefined();
    expect(verifyToken(secret, token + 'A')).toBeUndefined();
    expect(verifyToken(Buffer.from('another-secret-another-secret-another'), token)).toBeUndefined();
    expect(verifyToken(secret, '../../etc/passwd')).toBeUndefined();
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) if (verifyToken(secret, randomBytes(22).toString('base64url'))) accepted++;
    expect(accepted).toBe(0);
  });
});
