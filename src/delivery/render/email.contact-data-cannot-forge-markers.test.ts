import { describe, expect, it } from 'vitest';
import type { CampaignRow } from '../../db/schema.js';
import { signer, verifyToken } from '../../tracking/tokens.js';
import { compileEmailTemplate, renderEmail, trackedUrls } from './email.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0123');
const campaign = { id: 7, name: 'C', subject: 'For {{ contact.firstName }}', preheader: null, text: null, from_email: 'n@shop.test', from_name: null, reply_to: null } as CampaignRow;
const render = (html: string, contact: { firstName: string; lastName: string; fields: Record<string, unknown> }) => {
  const c = { ...campaign, html };
  const template = compileEmailTemplate(c, { track: true });
  const honeypot = template.links.find((l) => l.kind === 'honeypot')!.position;
  const recipient = { messageId: 42, contactId: 1, email: 'a@x.test', phone: null, ...contact };
  return renderEmail(template, c, { recipient, to: 'a@x.test', urls: trackedUrls('https://t.test', signer(secret, 42), undefined, honeypot) });
};
const clickPositions = (html: string) => [...html.matchAll(/https:\/\/t\.test\/t\/c\/([\w-]+)/g)].map((m) => verifyToken(secret, m[1]!)!.link);
const count = (text: string, part: string) => text.split(part).length - 1;

describe('contact data holding the renderer’s markers', () => {
  const forged = {
    firstName: '\u0001c1\u0001',
    lastName: '\u0001u\u0001\u0001v\u0001\u0001o\u0001\u0001h\u0001',
    fields: { guard: '\u0002javascript:alert(1)\u0003', open: '\u0002', name: '\u0004x\u0005', list: ['\u0001c1\u0001'], nested: { deep: '\u0001c1\u0001' } },
  };

  it('creates no tracked link, unsubscribe, view-online or pixel URL and leaves the HTML whole', () => {
    const html =
      '<p>{{ contact.firstName }} {{ contact.lastName }} {{ contact.fields.list[0] }} {{ contact.fields.nested.deep }}</p>' +
      '<a href="https://shop.test/{{ contact.fields.open }}">shop</a><a href="{{ contact.fields.guard }}">g</a><b title="{{ contact.fields.name }}">n</b>';
    const mail = render(html, forged);
    expect(mail.html).toContain('<p>c1 uvoh c1 c1</p>');
    expect(mail.html).toContain('<a href="https://shop.test/">shop</a><a href="#">g</a><b title="x">n</b>');
    expect(mail.html).not.toMatch(/[\u0000-\u0008]/);
    expect(clickPositions(mail.html)).toEqual([1]); // the honeypot only
    expect(count(mail.html, 'https://t.test/u/')).toBe(1); // the footer's
    expect(count(mail.html, 'https://t.test/v/')).toBe(0);
    expect(count(mail.html, 'https://t.test/t/o/')).toBe(1); // the pixel
    expect(mail.subject).toBe('For c1');
    expect(mail.text).toMatch(/^c1 uvoh c1 c1\n\nshop \[https:\/\/shop\.test\/\]g \[#\]n\n\n/);
    expect(count(mail.text, 'https://t.test/')).toBe(1); // the footer's unsubscribe
  });
});
