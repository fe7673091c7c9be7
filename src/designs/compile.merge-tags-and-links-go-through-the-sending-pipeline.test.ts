import { describe, expect, it } from 'vitest';
import type { CampaignRow } from '../db/schema.js';
import { compileEmailTemplate, renderEmail, trackedUrls } from '../delivery/render/email.js';
import { signer, verifyToken } from '../tracking/tokens.js';
import { compileDesign } from './compile.js';
import type { Design } from './schema.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0123');
const design: Design = {
  version: 1,
  rows: [
    {
      columns: [
        {
          blocks: [
            { type: 'heading', text: 'Hello {{ contact.firstName | default: "there" }}, {% if contact.fields.city %}from {{ contact.fields.city }}{% endif %}!' },
            // A rich-text editor escapes the quotes of a merge tag it does not know about.
            { type: 'text', html: '<p>News for {{ contact.fields.city | default: &quot;your city&quot; }}: <a href="https://shop.test/a?x=1&amp;y=2">the sale</a> and <a href="https://shop.test/new">new things</a>.</p>' },
            { type: 'image', src: 'https://cdn.shop.test/hero.png', alt: 'A photo for {{ contact.firstName | default: "you" }}', href: 'https://shop.test/hero' },
          ],
        },
        {
          blocks: [
            { type: 'button', label: 'Go, {{ contact.firstName | default: "friend" }}', href: 'https://shop.test/a?x=1&y=2' },
            { type: 'button', label: 'Your shop', href: '{{ contact.fields.shop | default: "https://shop.test/stores" }}' },
            { type: 'footer', text: 'Shop Ltd' },
          ],
        },
      ],
    },
  ],
};

const campaign = (html: string) =>
  ({ id: 7, workspace_id: 1, name: 'Spring', subject: 'Hi {{ contact.firstName }}', preheader: null, html, text: null, from_email: 'n@shop.test', from_name: null, reply_to: null }) as CampaignRow;

async function send(recipient: { firstName: string | null; fields: Record<string, unknown> }) {
  const c = campaign((await compileDesign(design)).html);
  const template = compileEmailTemplate(c, { track: true });
  const honeypot = template.links.find((l) => l.kind === 'honeypot')!.position;
  const mail = renderEmail(template, c, {
    recipient: { messageId: 42, contactId: 3, email: 'a@x.test', phone: null, lastName: null, ...recipient },
    to: 'a@x.test',
    urls: trackedUrls('https://t.test', signer(secret, 42), undefined, honeypot),
  });
  return { template, mail };
}

const clicks = (part: string) => [...part.matchAll(/https:\/\/t\.test\/t\/c\/([\w-]+)/g)].map((m) => verifyToken(secret, m[1]!)!.link);

describe('a designed email through the sending pipeline', () => {
  it('renders the merge tags of headings, text, alt text, button labels and links for each contact', async () => {
    const ada = (await send({ firstName: 'Ada', fields: { city: 'Lyon', shop: 'https://shop.test/lyon' } })).mail;
    expect(ada.subject).toBe('Hi Ada');
    expect(ada.html).toMatch(/<h1 [^>]*>Hello Ada, from Lyon!<\/h1>/);
    expect(ada.html).toContain('News for Lyon: ');
    expect(ada.html).toMatch(/alt='A photo for Ada'/);
    expect(ada.html).toMatch(/>\s*Go, Ada\s*<\/a>/);
    expect(ada.html).toMatch(/href='https:\/\/shop\.test\/lyon'[^>]*>\s*Your shop/);

    const nobody = (await send({ firstName: null, fields: {} })).mail;
    expect(nobody.html).toMatch(/<h1 [^>]*>Hello there, !<\/h1>/);
    expect(nobody.html).toContain('News for your city: ');
    expect(nobody.html).toMatch(/alt='A photo for you'/);
    expect(nobody.html).toMatch(/>\s*Go, friend\s*<\/a>/);
    expect(nobody.html).toMatch(/href='https:\/\/shop\.test\/stores'/);

    // Contact data is escaped wherever it lands.
    const eve = (await send({ firstName: '<b>Eve</b>"', fields: {} })).mail;
    expect(eve.html).toContain('Hello &lt;b&gt;Eve&lt;/b&gt;&#34;,');
    expect(eve.html).not.toContain('<b>Eve');
  });

  it('numbers, rewrites and tracks its links, adds the pixel and the text part, and keeps its own unsubscribe link', async () => {
    const { template, mail } = await send({ firstName: 'Ada', fields: {} });
    expect(template.links).toEqual([
      { position: 1, url: 'https://shop.test/a?x=1&y=2', kind: 'link' },
      { position: 2, url: 'https://shop.test/new', kind: 'link' },
      { position: 3, url: 'https://shop.test/hero', kind: 'link' },
      { position: 4, url: '', kind: 'honeypot' },
    ]);
    // Honeypot first, then the text's two links, the image, the button (the same URL as the first link).
    expect(clicks(mail.html)).toEqual([4, 1, 2, 3, 1]);
    expect(mail.html).not.toMatch(/href="https:\/\/shop\.test\/(a|new|hero)/);
    expect(mail.html).toMatch(/<img src="https:\/\/t\.test\/t\/o\/[\w-]+" width="1" height="1"/);
    // The footer block's links, not the pipeline's own footer.
    expect(mail.html).toMatch(/<a href="https:\/\/t\.test\/v\/[\w-]+"[^>]*>View online<\/a> &nbsp;·&nbsp; <a href="https:\/\/t\.test\/u\/[\w-]+"[^>]*>Unsubscribe<\/a>/);
    expect(mail.html).not.toContain('You receive this email');
    expect(mail.headers['List-Unsubscribe']).toMatch(/^<https:\/\/t\.test\/u\/[\w-]+>$/);

    expect(mail.text).toContain('Hello Ada, !');
    expect(mail.text).toMatch(/the sale \[https:\/\/t\.test\/t\/c\/[\w-]+\]/);
    expect(clicks(mail.text)).toEqual([1, 2, 3, 1]);
    expect(mail.text).toMatch(/Unsubscribe \[https:\/\/t\.test\/u\/[\w-]+\]/);
    expect(mail.text).not.toMatch(/mj-|@media|\{\{|\{%/);
    // The layout's tables are not data: a paragraph stays one line, not a 60-character column.
    expect(mail.text).toMatch(/News for your city: the sale \[https:\/\/t\.test\/t\/c\/[\w-]+\] and new things \[https:\/\/t\.test\/t\/c\/[\w-]+\]\./);
  });
});
