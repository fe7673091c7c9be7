import { describe, expect, it } from 'vitest';
import type { CampaignRow } from '../../db/schema.js';
import { signer } from '../../tracking/tokens.js';
import { compileEmailTemplate, renderEmail, trackedUrls } from './email.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0123');
const campaign = (html: string) =>
  ({ id: 7, name: 'C', subject: 'Hi', preheader: null, html, text: null, from_email: 'n@shop.test', from_name: null, reply_to: null }) as CampaignRow;
const render = (html: string, fields: Record<string, unknown>) => {
  const c = campaign(html);
  const template = compileEmailTemplate(c, { track: true });
  const honeypot = template.links.find((l) => l.kind === 'honeypot')!.position;
  const recipient = { messageId: 42, contactId: 1, email: 'a@x.test', phone: null, firstName: 'Ada', lastName: null, fields };
  return renderEmail(template, c, { recipient, to: 'a@x.test', urls: trackedUrls('https://t.test', signer(secret, 42), undefined, honeypot) });
};
/** Values of the attributes `name` in the HTML, in order, but for the tracking host's own (honeypot, footer, pixel). */
const values = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]).filter((value) => !value!.startsWith('https://t.test/'));

const EVERY_URL_ATTRIBUTE =
  '<a href="{{ contact.fields.url }}">site</a><img src="{{ contact.fields.url }}" alt="">' +
  '<form action="{{ contact.fields.url }}"><button formaction="{{ contact.fields.url }}">go</button></form>' +
  '<svg><a xlink:href="{{ contact.fields.url }}">x</a></svg><video poster="{{ contact.fields.url }}"></video>' +
  '<table><tr><td background="{{ contact.fields.url }}">cell</td></tr></table>';
const ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background'];

describe('links made with merge data', () => {
  it.each([
    'javascript:alert(1)',
    '  JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,<svg onload=alert(1)>',
  ])('turn %j in every URL attribute into "#", in the HTML and in the text part', (url) => {
    const mail = render(EVERY_URL_ATTRIBUTE, { url });
    for (const name of ATTRIBUTES) expect(values(mail.html, name), name).toEqual(['#']);
    expect(mail.html).not.toMatch(/alert|msgbox/);
    expect(mail.text).toMatch(/^site \[#\]/);
    expect(mail.text).not.toMatch(/alert|msgbox/);
  });

  it('keep http(s), mailto, tel, anchors and relative paths as they are', () => {
    const html = '<a href="{{ contact.fields.url }}">x</a>';
    const href = (url: string) => values(render(html, { url }).html, 'href')[0];
    expect(href('https://shop.test/a?b=1&c=2')).toBe('https://shop.test/a?b=1&amp;c=2');
    expect(href('HTTP://shop.test/')).toBe('HTTP://shop.test/');
    expect(href('mailto:help@shop.test')).toBe('mailto:help@shop.test');
    expect(href('tel:+33123456789')).toBe('tel:+33123456789');
    expect(href('#top')).toBe('#top');
    expect(href('page.html?x=1:2')).toBe('page.html?x=1:2');
    expect(values(render('<a href="https://shop.test/{{ contact.fields.url }}">x</a>', { url: 'javascript:alert(1)' }).html, 'href')[0]).toBe('https://shop.test/javascript:alert(1)');
  });

  it('are checked whole: a scheme written in the template with the rest merged, Liquid with quotes inside', () => {
    const partly = render('<a href="javascript&#58;{{ contact.fields.url }}">x</a><a href="{{ contact.fields.scheme }}:alert(1)">y</a>', { url: 'alert(1)', scheme: 'javascript' });
    expect(values(partly.html, 'href')).toEqual(['#', '#']);
    const withDefault = '<a href="{{ contact.fields.url | default: "https://shop.test/" }}">x</a>';
    expect(values(render(withDefault, {}).html, 'href')[0]).toBe('https://shop.test/');
    expect(values(render(withDefault, { url: 'javascript:alert(1)' }).html, 'href')[0]).toBe('#');
  });

  it('cannot add attributes: a bare attribute value holding Liquid is quoted, Liquid standing for a name gets no value', () => {
    const bare = render('<a href={{ contact.fields.url }}>x</a><table><tr><td width={{ contact.fields.width }}>c</td></tr></table>', {
      url: 'https://ok.test/ onmouseover=alert(1)',
      width: '10 onclick=alert(1)',
    });
    expect(bare.html).toContain('<a href="https://ok.test/ onmouseover=alert(1)">x</a>');
    expect(bare.html).toContain('<td width="10 onclick=alert(1)">c</td>');
    const named = render('<a {{ contact.fields.attribute }} title="t">x</a>', { attribute: 'href=javascript:alert(1)' });
    expect(named.html).toContain('<a hrefjavascript:alert1 title="t">x</a>');
  });

  it('cannot come from contact markup: "| raw" escapes like any output', () => {
    const mail = render('<p>{{ contact.fields.bio | raw }}</p>', { bio: '<a href="javascript:alert(1)">me</a>' });
    expect(mail.html).toContain('<p>&lt;a href=&#34;javascript:alert(1)&#34;&gt;me&lt;/a&gt;</p>');
  });
});

describe('links written in the template', () => {
  it('keep http(s), mailto, tel, cid, anchors, relative paths and data: images, and lose any other scheme, entities and all', () => {
    const mail = render(
      [
        '<a href="javascript&#58;alert(1)">1</a><a href="&#106;avascript:alert(1)">2</a><a href="java&Tab;script:alert(1)">3</a>',
        '<a href="javascript&colon;alert(1)">4</a><a href="data:text/html,x">5</a><a href="vbscript:x">6</a>',
        '<img src="data:image/png;base64,iVBORw0KGgo="><img src="cid:logo@shop"><img src="javascript:alert(1)">',
        '<a href="mailto:a@shop.test">m</a><a href="tel:+331">t</a><a href="#top">#</a><a href="/r">r</a>',
      ].join(''),
      {},
    );
    expect(values(mail.html, 'href')).toEqual(['#', '#', '#', '#', '#', '#', 'mailto:a@shop.test', 'tel:+331', '#top', '/r']);
    expect(values(mail.html, 'src')).toEqual(['data:image/png;base64,iVBORw0KGgo=', 'cid:logo@shop', '#']);
  });
});
