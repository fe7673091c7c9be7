import { expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { apiAs } from '../../test/support/workspaces.js';
import { compileDesign } from './compile.js';
import type { Design } from './schema.js';
import { STARTERS } from './starters.js';

const design: Design = {
  version: 1,
  rows: [{ columns: [{ blocks: [{ type: 'heading', text: 'Hi {{ contact.firstName | default: "there" }}' }, { type: 'button', label: 'Go', href: 'https://shop.test/go' }] }] }],
};

describeEachDatabase('POST /api/designs/compile', (kind) => {
  const t = useTestApp(kind);

  it('answers the HTML a campaign with this design sends, merge tags kept, and says when it added the footer', async () => {
    const viewer = await apiAs(t, 'viewer');
    const { status, body } = await viewer('POST', '/api/designs/compile', { design });
    expect(status).toBe(200);
    expect(body).toEqual({ html: (await compileDesign(design)).html, footerAdded: true });
    expect(body.html).toContain('Hi {{ contact.firstName | default: "there" }}');
    expect(body.html).toContain('href="https://shop.test/go"');
    expect(body.html).toContain('href="{{ unsubscribe_url }}"');

    const starter = STARTERS.find((s) => s.key === 'newsletter')!.design('https://app.test');
    const compiled = await t.api('POST', '/api/designs/compile', { design: starter });
    expect(compiled.status).toBe(200);
    expect(compiled.body.footerAdded).toBe(false);
    // Nothing is stored: a preview is no campaign or template.
    expect(await t.ctx.store.db.selectFrom('campaigns').select('id').execute()).toEqual([]);
  });

  it('answers 400 naming the field for a design outside the schema', async () => {
    const colour = await t.api('POST', '/api/designs/compile', { design: { version: 1, rows: [{ backgroundColor: 'red" onload="x', columns: [{ blocks: [] }] }] } });
    expect(colour.status).toBe(400);
    expect(colour.body.error).toMatchObject({ code: 'invalid_request', path: '$.design.rows[0].backgroundColor' });

    // A block is one of a union: the answer still names the property of that block that is wrong.
    const href = await t.api('POST', '/api/designs/compile', { design: { version: 1, rows: [{ columns: [{ blocks: [{ type: 'button', label: 'Go', href: '' }] }] }] } });
    expect(href.body.error).toMatchObject({ code: 'invalid_request', path: '$.design.rows[0].columns[0].blocks[0].href' });

    const unknown = await t.api('POST', '/api/designs/compile', { design: { ...design, script: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.path).toBe('$.design.script');

    const missing = await t.api('POST', '/api/designs/compile', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.path).toBe('$.design');
  });

  it('needs credentials', async () => {
    const response = await fetch(`${t.baseUrl}/api/designs/compile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ design }) });
    expect(response.status).toBe(401);
  });
});
