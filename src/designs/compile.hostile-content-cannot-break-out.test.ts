import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type { CampaignRow } from '../db/schema.js';
import { compileEmailTemplate, renderEmail, trackedUrls } from '../delivery/render/email.js';
import { AppError } from '../http/errors.js';
import { signer } from '../tracking/tokens.js';
import { compileDesign } from './compile.js';
import type { Block, Design } from './schema.js';

const one = (...blocks: Block[]): Design => ({ version: 1, rows: [{ columns: [{ blocks }, { blocks: [{ type: 'heading', text: 'Next column' }] }] }] });

/** Every element of the output outside comments (Outlook's conditional tables), with its attributes, and whether each closing tag closed what was open. */
function elements(html: string) {
  const found: Array<{ name: string; attributes: Record<string, string> }> = [];
  const open: string[] = [];
  let misnested = 0;
  const parser = new Parser(
    {
      onopentag: (name, attributes) => (found.push({ name, attributes }), open.push(name)),
      onclosetag: (name, implied) => {
        if (!implied && open.at(-1) !== name) misnested++;
        open.pop();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html.replace(/<!--[\s\S]*?-->/g, ''));
  return { found, misnested, unclosed: open.length };
}

/** How many of each layout element: a block that closed or opened one of MJML's would change these. */
const layout = (html: string) => {
  const counts: Record<string, number> = {};
  for (const { name } of elements(html).found) if (['table', 'tbody', 'tr', 'td', 'div'].includes(name)) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

/** The block's content stays inside the cell MJML made for it: the next column still follows in its own div. */
async function staysInPlace(hostile: Block, benign: Block) {
  const [bad, good] = await Promise.all([compileDesign(one(hostile)), compileDesign(one(benign))]);
  expect(layout(bad.html)).toEqual(layout(good.html));
  expect(elements(bad.html).misnested).toBe(0);
  const { found } = elements(bad.html);
  expect(found.filter((e) => /^(mj-|script$)/.test(e.name) || Object.keys(e.attributes).some((a) => a.startsWith('on')))).toEqual([]);
  expect(bad.html).not.toMatch(/<\/?mj-/);
  return bad.html;
}

describe('what a block holds', () => {
  it('is text in a heading: tags are escaped, and closing MJML tags are just text', async () => {
    const html = await staysInPlace(
      { type: 'heading', text: '<script>alert(1)</script></mj-text></mj-column><mj-raw><b>x</b></mj-raw> & <' },
      { type: 'heading', text: 'x' },
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;/mj-text&gt;&lt;/mj-column&gt;&lt;mj-raw&gt;&lt;b&gt;x&lt;/b&gt;&lt;/mj-raw&gt; &amp; &lt;</h1>');
  });

  it('is rich text in a text block: known tags kept, the rest (MJML tags, scripts, comments, stray closing tags) dropped', async () => {
    const html = await staysInPlace(
      {
        type: 'text',
        html: '<p>a</mj-text><mj-raw><script>alert(1)</script></mj-raw><mj-text>b</p></td></tr></table><!-- <p>hidden</p> --><p onclick="x()" style="position:fixed">c<img src=x onerror=alert(1)><style>body{display:none}</style></p><p>d',
      },
      { type: 'text', html: '<p>ab</p><p>c</p><p>d</p>' },
    );
    expect(html).toContain('<p style="margin:0 0 12px">ab</p><p style="margin:0 0 12px">c</p><p style="margin:0 0 12px">d</p>');
    expect(html).not.toMatch(/hidden|display:none|position:fixed|<img src="x"/);
  });

  it('is balanced HTML in an html block, whatever it closes or leaves open', async () => {
    const html = await staysInPlace(
      { type: 'html', html: '<b>own</b></td></tr></tbody></table></div><table><tr><td>left open<mj-include path="/etc/passwd" /><img src="x" onerror="alert(1)"><!-- never closed <script>alert(1)</script><p>in the comment</p>' },
      { type: 'html', html: '<b>own</b><table><tr><td>left open</td></tr></table>' },
    );
    expect(html).toContain('<b>own</b><table><tr><td>left open<img src="x"></td></tr></table>');
    expect(html).not.toMatch(/root:|in the comment/);
  });

  it('cannot add attributes through an image, a button or a social link', async () => {
    const html = await staysInPlace(
      { type: 'image', src: 'https://cdn.test/a.png?" onerror="alert(1)', alt: '" onerror="alert(1)', href: "https://x.test/' onclick='alert(1)" },
      { type: 'image', src: 'https://cdn.test/a.png', alt: 'x', href: 'https://x.test/' },
    );
    const image = elements(html).found.find((e) => e.name === 'img')!;
    expect(Object.keys(image.attributes).sort()).toEqual(['alt', 'height', 'src', 'style', 'width']);
    expect(image.attributes.alt).toBe('" onerror="alert(1)');
    expect(image.attributes.src).toBe('https://cdn.test/a.png?" onerror="alert(1)');

    const button = await staysInPlace({ type: 'button', label: '</mj-button><b>', href: 'https://x.test/" onclick="alert(1)' }, { type: 'button', label: 'x', href: 'https://x.test/' });
    const link = elements(button).found.find((e) => e.name === 'a')!;
    expect(Object.keys(link.attributes).sort()).toEqual(['href', 'style', 'target']);
    expect(link.attributes.href).toBe('https://x.test/" onclick="alert(1)');
    expect(button).toContain('&lt;/mj-button&gt;&lt;b&gt;');

    const social = await staysInPlace(
      { type: 'social', links: [{ network: 'x', href: '"><script>alert(1)</script>' }] },
      { type: 'social', links: [{ network: 'x', href: 'https://x.test/' }] },
    );
    expect(elements(social).found.filter((e) => e.name === 'a' && !e.attributes.href!.includes('{{')).map((e) => e.attributes.href)).toEqual(['"><script>alert(1)</script>']);
  });

  it('cannot smuggle markup through merge tags, nor send a javascript: link', async () => {
    const design = one(
      { type: 'heading', text: 'Hi {{ "</h1><script>alert(1)</script>" }}' },
      { type: 'button', label: 'Go', href: 'javascript:alert(1)' },
      { type: 'footer' },
    );
    const c = { id: 1, workspace_id: 1, name: 'C', subject: 'S', preheader: null, html: (await compileDesign(design)).html, text: null, from_email: 'n@shop.test', from_name: null, reply_to: null } as CampaignRow;
    const template = compileEmailTemplate(c, { track: true });
    const mail = renderEmail(template, c, {
      recipient: { messageId: 1, contactId: 1, email: 'a@x.test', phone: null, firstName: 'Ada', lastName: null, fields: {} },
      to: 'a@x.test',
      urls: trackedUrls('https://t.test', signer(Buffer.alloc(32, 1), 1), undefined, template.links.length),
    });
    expect(mail.html).toContain('Hi &lt;/h1&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(mail.html).toMatch(/<a\s+href="#"[^>]*>\s*Go\s*<\/a>/);
    expect(mail.html).not.toMatch(/<script|javascript:/);
  });

  it('refuses colours, sizes and fonts outside the schema before anything is compiled, naming where', async () => {
    const refused = async (design: unknown, path: string) => {
      const error = await compileDesign(design as Design).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).path).toBe(path);
    };
    await refused(one({ type: 'heading', text: 'x', color: 'red" onload="alert(1)' } as never), '$.design.rows[0].columns[0].blocks[0].color');
    await refused({ version: 1, style: { linkColor: '#fff; } body { display:none' }, rows: [] }, '$.design.style.linkColor');
    await refused({ version: 1, style: { fontFamily: 'Arial; background:url(x)' }, rows: [] }, '$.design.style.fontFamily');
    await refused({ version: 1, rows: [{ backgroundColor: 'url(javascript:alert(1))', columns: [{ blocks: [] }] }] }, '$.design.rows[0].backgroundColor');
    await refused({ version: 1, rows: [{ columns: [{ blocks: [{ type: 'spacer', height: '20px;position:fixed' }] }] }] }, '$.design.rows[0].columns[0].blocks[0].height');
    await refused({ version: 1, rows: [{ columns: [] }] }, '$.design.rows[0].columns');

    // The font pattern allows quotes: they are re-written so that none is left open.
    const { html } = await compileDesign({ version: 1, style: { fontFamily: `"Helvetica Neue", Arial' x-a` }, rows: [{ columns: [{ blocks: [{ type: 'heading', text: 'x' }] }] }] });
    expect(html).toContain("font-family:'Helvetica Neue', 'Arial x-a';");
  });
});
