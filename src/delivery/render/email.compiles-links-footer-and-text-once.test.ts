import { describe, expect, it } from 'vitest';
import type { CampaignRow } from '../../db/schema.js';
import { signer, verifyToken } from '../../tracking/tokens.js';
import { compileEmailTemplate, renderEmail, trackedUrls } from './email.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0123');
const campaign = (fields: Partial<CampaignRow>) =>
  ({ id: 7, name: 'C', subject: 'Hi', preheader: null, html: '', text: null, from_email: 'n@shop.test', from_name: null, reply_to: null, ...fields }) as CampaignRow;
const recipient = { messageId: 42, contactId: 1, email: 'a@x.test', phone: null, firstName: 'Ada', lastName: null, fields: {} };
const render = (c: CampaignRow, r: Partial<typeof recipient> = {}) => {
  const template = compileEmailTemplate(c, { track: true });
  const honeypot = template.links.find((l) => l.kind === 'honeypot')!.position;
  const mail = renderEmail(template, c, { recipient: { ...recipient, ...r }, to: 'a@x.test', urls: trackedUrls('https://t.test', signer(secret, 42), undefined, honeypot) });
  return { template, mail };
};
const clickPositions = (html: string) =>
  [...html.matchAll(/https:\/\/t\.test\/t\/c\/([\w-]+)/g)].map((m) => verifyToken(secret, m[1]!)!.link);

describe('compiling an email template', () => {
  it('numbers each distinct http(s) link once, whatever its quoting, and leaves every other link alone', () => {
    const html = [
      '<a href="https://a.test/x?p=1&amp;q=2">1</a>',
      "<a href='https://b.test/'>2</a>",
      '<A HREF=https://c.test/c>3</A>',
      '<a data-href="nope" href="https://a.test/x?p=1&amp;q=2">1 again</a>',
      '<map><area shape="rect" href="https://d.test/area"></map>',
      '<a href="mailto:x@y.test">m</a><a href="tel:+331">t</a><a href="#top">#</a><a href="/relative">r</a><a href="javascript:alert(1)">j</a>',
      '<a href="https://e.test/" data-track="false">off</a><a href="https://f.test/?id={{ contact.id }}">liquid</a>',
    ].join('\n');
    const { template, mail } = render(campaign({ html }));
    expect(template.links).toEqual([
      { position: 1, url: 'https://a.test/x?p=1&q=2', kind: 'link' },
      { position: 2, url: 'https://b.test/', kind: 'link' },
      { position: 3, url: 'https://c.test/c', kind: 'link' },
      { position: 4, url: 'https://d.test/area', kind: 'link' },
      { position: 5, url: '', kind: 'honeypot' },
    ]);
    expect(clickPositions(mail.html)).toEqual([5, 1, 2, 3, 1, 4]);
    expect(mail.html).toContain('data-href="nope"');
    for (const kept of ['mailto:x@y.test', 'tel:+331', '#top', '/relative', 'https://e.test/', 'https://f.test/?id=1']) {
      expect(mail.html).toContain(`href="${kept}"`);
    }
    expect(mail.html).toContain('<a href="#">j</a>'); // javascript: is never sent
  });

  it('adds the unsubscribe footer only when the template has no unsubscribe link', () => {
    const plain = render(campaign({ html: '<html><body><p>Hi</p></body></html>' })).mail;
    expect(plain.html).toMatch(/<p style="[^"]*">You receive this email[^<]*<a href="https:\/\/t\.test\/u\/[\w-]+"[^>]*>Unsubscribe<\/a><\/p><img src="https:\/\/t\.test\/t\/o\/[\w-]+"[^>]*><\/body><\/html>$/);
    const own = render(campaign({ html: '<p>Hi <a href="{{ unsubscribe_url }}">leave</a> <a href="{{ view_online_url }}">web</a></p>' })).mail;
    expect(own.html).not.toContain('You receive this email');
    expect(own.html).toMatch(/<a href="https:\/\/t\.test\/u\/[\w-]+">leave<\/a> <a href="https:\/\/t\.test\/v\/[\w-]+">web<\/a>/);
    expect(clickPositions(own.html)).toEqual([1]); // only the honeypot: unsubscribe and view online are not clicks
  });

  it('hides the honeypot from people: an empty, hidden, unfocusable anchor', () => {
    const { mail } = render(campaign({ html: '<body><p>Hi</p></body>' }));
    const honeypot = /<a href="https:\/\/t\.test\/t\/c\/[\w-]+"([^>]*)><\/a>/.exec(mail.html)!;
    expect(honeypot[1]).toContain('aria-hidden="true"');
    expect(honeypot[1]).toContain('tabindex="-1"');
    expect(honeypot[1]).toContain('display:none');
    expect(mail.text).not.toContain('/t/c/');
  });

  it('writes the text part from the HTML with the same tracked links, or tracks the bare URLs of a text written by hand', () => {
    const generated = render(campaign({ html: '<h1>Hello {{ contact.firstName }}</h1><p>See <a href="https://a.test/">our shop</a>.</p><p><a href="https://b.test/" data-track="false">b</a></p>' })).mail;
    expect(generated.text).toMatch(/^Hello Ada\n\nSee our shop \[https:\/\/t\.test\/t\/c\/[\w-]+\]\.\n\nb \[https:\/\/b\.test\/\]\n\nYou receive this email[^\n]*Unsubscribe \[https:\/\/t\.test\/u\/[\w-]+\]$/);
    const written = render(campaign({ html: '<a href="https://a.test/">a</a>', text: 'Hi {{ contact.firstName }}: https://a.test/ and https://c.test/page. {{ unsubscribe_url }}' }));
    expect(written.template.links.map((l) => l.url)).toEqual(['https://a.test/', 'https://c.test/page', '']);
    expect(written.mail.text).toMatch(/^Hi Ada: https:\/\/t\.test\/t\/c\/[\w-]+ and https:\/\/t\.test\/t\/c\/[\w-]+\. https:\/\/t\.test\/u\/[\w-]+$/);
    expect(clickPositions(written.mail.text)).toEqual([1, 2]);
    const noUnsubscribe = render(campaign({ html: 'x', text: 'Plain' })).mail;
    expect(noUnsubscribe.text).toMatch(/^Plain\n\nUnsubscribe: https:\/\/t\.test\/u\/[\w-]+$/);
  });

  it('makes the text from each rendered HTML when the generated text is not valid Liquid', () => {
    // html-to-text reads "<b" inside the Liquid string as a tag and breaks the expression.
    const { template, mail } = render(campaign({ html: '<p>{{ contact.firstName | append: "<b" }}</p>' }));
    expect(template.text).toBeUndefined();
    expect(mail.text).toMatch(/^Ada<b\n\nYou receive this email[^\n]*Unsubscribe \[https:\/\/t\.test\/u\/[\w-]+\]$/);
  });

  it('escapes contact data in HTML, never in the subject, and keeps the subject on one line', () => {
    const { mail } = render(campaign({ html: '<p>{{ contact.firstName }}</p>', subject: 'For {{ contact.firstName }}' }), { firstName: '<script>x</script>\r\nBcc: evil@x.test' });
    expect(mail.html).toContain('<p>&lt;script&gt;x&lt;/script&gt;\r\nBcc: evil@x.test</p>');
    expect(mail.subject).toBe('For <script>x</script> Bcc: evil@x.test');
  });

  it('cannot forge tracking markers from a template or from contact data', () => {
    const { mail } = render(campaign({ html: '<p>\u0001o\u0001 {{ contact.firstName }}</p>' }), { firstName: 'x' });
    expect(mail.html).toContain('<p>o x</p>');
  });

  it('reads no file from the server', () => {
    expect(() => render(campaign({ html: "{% include '/etc/passwd' %}" }))).toThrow();
    expect(() => render(campaign({ html: "{% render 'package.json' %}" }))).toThrow();
  });

  it('gives an untracked copy the original URLs', () => {
    const c = campaign({ html: '<a href="https://a.test/">a</a>' });
    const template = compileEmailTemplate(c, { track: false });
    const mail = renderEmail(template, c, {
      recipient,
      to: 'a@x.test',
      urls: { click: () => '#', honeypot: () => '#', open: () => '', unsubscribe: () => '#', view: () => '#' },
    });
    expect(mail.html).toContain('<a href="https://a.test/">a</a>');
    expect(mail.html).not.toContain('<img');
    expect(template.links).toEqual([]);
  });
});
