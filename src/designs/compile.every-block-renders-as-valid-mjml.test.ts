import mjml2html from 'mjml';
import { describe, expect, it } from 'vitest';
import { compileDesign, designMjml } from './compile.js';
import type { Design } from './schema.js';
import { STARTERS } from './starters.js';

/** One of each block, in rows of one to four columns, with every style option set. */
export const EVERY_BLOCK: Design = {
  version: 1,
  style: { width: 640, backgroundColor: '#101010', contentBackgroundColor: '#fafafa', fontFamily: "'Trebuchet MS', sans-serif", textColor: '#222222', linkColor: '#ff0066' },
  rows: [
    { backgroundColor: '#eeeeee', columns: [{ blocks: [{ type: 'heading', text: 'Big news', level: 1, align: 'center', color: '#123456' }] }] },
    {
      columns: [
        { blocks: [{ type: 'heading', text: 'Second', level: 2 }, { type: 'text', html: '<p>Some <strong>bold</strong> and <em>italic</em> and <a href="https://ex.test/read">a link</a></p><ul><li>one</li></ul>', align: 'right' }] },
        { blocks: [{ type: 'image', src: 'https://cdn.ex.test/a.png', alt: 'A picture', href: 'https://ex.test/picture', width: 200, align: 'left' }] },
      ],
    },
    {
      columns: [
        { blocks: [{ type: 'button', label: 'Buy now', href: 'https://ex.test/buy', backgroundColor: '#00aa00', color: '#ffffff', align: 'right' }] },
        { blocks: [{ type: 'divider', color: '#abcdef' }] },
        { blocks: [{ type: 'spacer', height: 37 }] },
      ],
    },
    {
      columns: [
        { blocks: [{ type: 'social', links: [{ network: 'instagram', href: 'https://instagram.test/shop' }, { network: 'x', href: 'https://x.test/shop' }] }] },
        { blocks: [{ type: 'html', html: '<table class="own"><tr><td>hand-made cell</td></tr></table>' }] },
        { blocks: [{ type: 'heading', text: 'Third', level: 3 }] },
        { blocks: [{ type: 'footer', text: 'Shop Ltd, 1 Main Street' }] },
      ],
    },
  ],
};

/** The markup of the block whose marker text is `marker`: the element MJML made for it, up to the next block's cell. */
const around = (html: string, marker: string) => {
  const at = html.indexOf(marker);
  expect(at, `${marker} is in the output`).toBeGreaterThan(-1);
  return html.slice(html.lastIndexOf('<td', at), html.indexOf('</td>', at));
};

describe('compiling a design', () => {
  it('renders every block type with its settings, in sections of side-by-side columns', async () => {
    const { html, footerAdded } = await compileDesign(EVERY_BLOCK);
    expect(footerAdded).toBe(false);
    // Global style: width, backgrounds, font, text and link colours.
    expect(html).toMatch(/<body[^>]*background-color:#101010/);
    expect(html).toContain('max-width:640px');
    expect(html).toContain('background-color:#fafafa');
    expect(html).toContain("font-family:'Trebuchet MS', sans-serif");
    expect(html).toMatch(/a \{ color: #ff0066; \}/);
    // Rows of 1–4 columns: MJML's widths, side by side from 480 px.
    for (const share of ['mj-column-per-100', 'mj-column-per-50', 'mj-column-per-33-333333333333336', 'mj-column-per-25']) expect(html).toContain(share);
    expect(html).toContain('@media only screen and (min-width:480px)');
    expect(html).toContain('background-color:#eeeeee');

    expect(around(html, 'Big news')).toMatch(/<h1 style="[^"]*font-size:28px[^"]*color:#123456">Big news<\/h1>/);
    expect(around(html, 'Big news')).toContain('text-align:center');
    expect(around(html, 'Second')).toMatch(/<h2 style="[^"]*font-size:22px[^"]*color:#222222">Second<\/h2>/);
    expect(around(html, 'Third')).toMatch(/<h3 style="[^"]*">Third<\/h3>/);
    expect(around(html, 'Some <strong>')).toContain(
      '<p style="margin:0 0 12px">Some <strong>bold</strong> and <em>italic</em> and <a href="https://ex.test/read" style="color:#ff0066">a link</a></p><ul style="margin:0 0 12px;padding-left:24px"><li>one</li></ul>',
    );
    expect(around(html, 'Some <strong>')).toContain('text-align:right');
    const image = around(html, 'https://cdn.ex.test/a.png');
    expect(image).toMatch(/<a\s+href="https:\/\/ex\.test\/picture"/);
    expect(image).toMatch(/<img\s+alt="A picture" src="https:\/\/cdn\.ex\.test\/a\.png"[^>]* width="200"/);
    expect(html).toMatch(/<td\s+align="left"[^>]*>\s*<table[^>]*>\s*<tbody>\s*<tr>\s*<td\s+style="width:200px;"/);
    const button = around(html, 'Buy now');
    expect(button).toMatch(/<a\s+href="https:\/\/ex\.test\/buy" style="[^"]*background:#00aa00;color:#ffffff;/);
    expect(html).toMatch(/<td\s+align="right"[^>]*>\s*<table[^>]*>\s*<tbody>\s*<tr>\s*<td\s+align="center" bgcolor="#00aa00"/);
    expect(html).toContain('border-top:solid 1px #abcdef');
    expect(html).toContain('height:37px');
    expect(around(html, 'Instagram')).toMatch(/<a href="https:\/\/instagram\.test\/shop"[^>]*>Instagram<\/a> &nbsp;·&nbsp; <a href="https:\/\/x\.test\/shop"[^>]*>X<\/a>/);
    expect(html).toContain('<table class="own"><tr><td>hand-made cell</td></tr></table>');
    const footer = around(html, 'Shop Ltd');
    expect(footer).toMatch(/Shop Ltd, 1 Main Street<br><a href="\{\{ view_online_url \}\}"[^>]*>View online<\/a> &nbsp;·&nbsp; <a href="\{\{ unsubscribe_url \}\}"[^>]*>Unsubscribe<\/a>/);
    expect(footer).toContain('font-size:12px');
  });

  it('makes MJML that MJML itself validates strictly, for a design of every block and for every starter', async () => {
    for (const design of [EVERY_BLOCK, ...STARTERS.map((starter) => starter.design('https://app.ricochet.test'))]) {
      const { mjml } = designMjml(design);
      expect((await mjml2html(mjml, { validationLevel: 'soft' })).errors).toEqual([]);
      await expect(mjml2html(mjml, { validationLevel: 'strict' })).resolves.toBeDefined();
      const { html } = await compileDesign(design);
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).not.toMatch(/<\/?mj-|@@rc-/);
    }
  });

  it('keeps every starter under 102 KB, where Gmail clips a message', async () => {
    expect(STARTERS.map((s) => s.key).sort()).toEqual(['announcement', 'letter', 'newsletter', 'promotion']);
    for (const starter of STARTERS) {
      const design = starter.design('https://app.ricochet.test');
      const { html, footerAdded } = await compileDesign(design);
      expect(footerAdded, starter.key).toBe(false);
      expect(Buffer.byteLength(html), starter.key).toBeLessThan(102 * 1024);
      expect(html, starter.key).toContain('{{ contact.firstName | default: "there" }}');
      const links = [...html.matchAll(/href="(https:[^"]+)"/g)].map((m) => m[1]);
      expect(new Set(links).size, starter.key).toBeGreaterThanOrEqual(2);
      for (const src of html.matchAll(/src="([^"]+)"/g)) expect(src[1]).toMatch(/^https:\/\/app\.ricochet\.test\/starters\/[\w-]+\.png$/);
    }
  });
});
