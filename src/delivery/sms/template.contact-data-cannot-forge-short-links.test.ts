import { describe, expect, it } from 'vitest';
import { parseSmsTemplate } from './template.js';

const options = { stopText: 'STOP 36111', campaignName: 'Sale' };
const contact = (firstName: string, fields: Record<string, unknown> = {}) => ({ contactId: 1, email: null, phone: '+33612345678', firstName, lastName: null, fields });
const shortUrl = (position: number) => `https://r.test/s/link${position}`;

describe('SMS merge data holding the short-link markers', () => {
  it('becomes plain text: no short link, no other link of the message', () => {
    const template = parseSmsTemplate('Hi {{ contact.firstName }} {{ contact.fields.code }}: https://shop.test/a and https://shop.test/b', options);
    expect(template.links).toEqual(['https://shop.test/a', 'https://shop.test/b']);
    const text = template.render(contact('\uE0002\uE001', { code: ['\uE0001\uE001'] }), shortUrl);
    expect(text).toBe('Hi 2 1: https://r.test/s/link1 and https://r.test/s/link2\nSTOP 36111');
  });

  it('and the body cannot hold a marker of its own either', () => {
    const template = parseSmsTemplate('Code \uE0001\uE001 at https://shop.test/a', options);
    expect(template.render(contact('Ada'), shortUrl)).toBe('Code 1 at https://r.test/s/link1\nSTOP 36111');
  });
});
