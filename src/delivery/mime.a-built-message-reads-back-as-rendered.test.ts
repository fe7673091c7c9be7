import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { RenderedEmail } from './channel.js';
import { buildMime, quotedPrintable } from './mime.js';

const message = (html: string, text: string): RenderedEmail => ({
  kind: 'email',
  workspaceId: 1,
  messageId: 7,
  to: 'ada@example.test',
  from: { name: 'Boutique Élise, "the" shop', address: 'news@shop.example' },
  replyTo: 'help@shop.example',
  subject: 'Ada, votre lettre d’avril — les nouveautés de la boutique et bien plus encore à découvrir 🌷',
  html,
  text,
  headers: { 'List-Unsubscribe': `<https://go.shop.example/u/${'A'.repeat(60)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
});

describe('a message built by hand', () => {
  it('reads back exactly as rendered: headers, HTML and text, whatever their characters and line lengths', async () => {
    const html = `<p style="color:red">Héllo = ${'x'.repeat(200)}é</p>\n.starts with a dot \nends with a tab\t\n${'<a href="https://go.shop.example/t/c/abc=def">lien</a> '.repeat(20)}`;
    const text = 'Plain ASCII text\n.dot\nshort lines';
    const built = buildMime(message(html, text), '<ricochet.7.abc@shop.example>', new Date(Date.UTC(2026, 11, 2, 3, 4, 5)));
    const parsed = await simpleParser(built);
    expect(parsed.html).toBe(html);
    expect(parsed.text).toBe(text);
    expect(parsed.subject).toBe(message('', '').subject);
    expect(parsed.from?.value).toEqual([{ name: 'Boutique Élise, "the" shop', address: 'news@shop.example' }]);
    expect((parsed.to as { value: unknown }).value).toEqual([{ name: '', address: 'ada@example.test' }]);
    expect(parsed.replyTo?.value).toEqual([{ name: '', address: 'help@shop.example' }]);
    expect(parsed.messageId).toBe('<ricochet.7.abc@shop.example>');
    expect(parsed.date?.toISOString()).toBe('2026-12-02T03:04:05.000Z');
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(built.toString()).toContain(`List-Unsubscribe:\r\n <https://go.shop.example/u/${'A'.repeat(60)}>`);
    // Every body line within the 76 characters quoted-printable allows (a header line is longer only for a URL that cannot be folded), CRLF only, ASCII only.
    const lines = built.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n').split('\r\n');
    expect(lines.filter((line) => line.length > 76)).toEqual([]);
    expect(built.toString('latin1')).not.toMatch(/[^\r]\n|\r(?!\n)|[^\x00-\x7f]/);
    expect(built.toString()).toContain('Content-Transfer-Encoding: 7bit\r\n\r\nPlain ASCII text\r\n.dot\r\n');
  });

  it('sends mostly non-Latin text as base64, and encodes quoted-printable without splitting an escape', async () => {
    const text = 'Здравствуйте, это письмо на русском языке. '.repeat(10);
    const built = buildMime(message('<p>ok</p>', text), '<a@b>');
    expect(built.toString()).toContain('Content-Transfer-Encoding: base64');
    expect((await simpleParser(built)).text).toBe(text);
    for (let shift = 0; shift < 4; shift++) {
      const encoded = quotedPrintable('x'.repeat(shift) + 'é'.repeat(60));
      for (const line of encoded.split('\r\n')) {
        expect(line.length).toBeLessThanOrEqual(76);
        expect(line.replace(/=$/, '')).toMatch(/^(?:[^=]|=[0-9A-F]{2})*$/);
      }
    }
    expect(quotedPrintable('a = b  \nc')).toBe('a =3D b =20\r\nc');
  });
});
