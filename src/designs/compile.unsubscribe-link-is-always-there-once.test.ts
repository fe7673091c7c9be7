import { describe, expect, it } from 'vitest';
import { compileDesign } from './compile.js';
import type { Design } from './schema.js';

const count = (html: string, what: string) => html.split(what).length - 1;
const heading = (text: string) => ({ type: 'heading' as const, text });

describe('the unsubscribe link of a design', () => {
  it('is added in a footer row when the design has none, without touching the design', async () => {
    const design: Design = { version: 1, rows: [{ columns: [{ blocks: [heading('Hello')] }] }] };
    const before = structuredClone(design);
    const { html, footerAdded } = await compileDesign(design);
    expect(footerAdded).toBe(true);
    expect(design).toEqual(before);
    expect(count(html, 'href="{{ unsubscribe_url }}"')).toBe(1);
    expect(count(html, 'href="{{ view_online_url }}"')).toBe(1);
    // After the design's own rows, in a section of its own.
    expect(html.indexOf('{{ unsubscribe_url }}')).toBeGreaterThan(html.indexOf('Hello'));
    expect(html).toContain('You receive this email because you subscribed to our messages.');

    const empty = await compileDesign({ version: 1, rows: [] });
    expect(empty.footerAdded).toBe(true);
    expect(count(empty.html, '{{ unsubscribe_url }}')).toBe(1);
  });

  it('is not duplicated when a footer block is there, wherever it sits', async () => {
    const design: Design = {
      version: 1,
      rows: [{ columns: [{ blocks: [heading('Hello')] }, { blocks: [{ type: 'footer' }, heading('After the footer')] }] }, { columns: [{ blocks: [heading('Last')] }] }],
    };
    const { html, footerAdded } = await compileDesign(design);
    expect(footerAdded).toBe(false);
    expect(count(html, '{{ unsubscribe_url }}')).toBe(1);
    expect(html).not.toContain('You receive this email');
  });

  it('counts an unsubscribe link written in a text, an html block or a button, but not one the text block cannot keep', async () => {
    const only = async (block: Design['rows'][number]['columns'][number]['blocks'][number]) => compileDesign({ version: 1, rows: [{ columns: [{ blocks: [block] }] }] });
    for (const block of [
      { type: 'text' as const, html: '<p><a href="{{ unsubscribe_url }}">Leave this list</a></p>' },
      { type: 'html' as const, html: '<a href="{{unsubscribe_url}}">Leave</a>' },
      { type: 'button' as const, label: 'Unsubscribe', href: '{{ unsubscribe_url }}' },
    ]) {
      const { html, footerAdded } = await only(block);
      expect(footerAdded, block.type).toBe(false);
      expect(count(html, 'unsubscribe_url'), block.type).toBe(1);
    }
    // A text block keeps links only: an attribute it drops is no way out of the list.
    const dropped = await only({ type: 'text', html: '<p data-x="{{ unsubscribe_url }}">Hi</p>' });
    expect(dropped.footerAdded).toBe(true);
    expect(count(dropped.html, 'unsubscribe_url')).toBe(1);
  });
});
