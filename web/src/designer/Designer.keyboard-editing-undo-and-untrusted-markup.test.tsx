// @vitest-environment happy-dom
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Design as DesignSchema } from '../../../src/designs/schema.js';
import { renderInApp } from '../test/render';
import { Designer, NO_FOOTER_NOTICE } from './Designer';
import type { Design } from './model';

const valid = TypeCompiler.Compile(DesignSchema);

// The merge-tag picker and the preview ask the server; here there is none, and nothing is fetched.
beforeEach(() => void vi.stubGlobal('fetch', () => new Promise(() => {})));

/** The designer as a page holds it, keeping every document it emits. */
function Host({ initial, emitted, readOnly }: { initial: Design; emitted: Design[]; readOnly?: boolean }) {
  const [design, setDesign] = useState(initial);
  return (
    <Designer
      readOnly={readOnly}
      value={design}
      onChange={(next) => {
        emitted.push(next);
        setDesign(next);
      }}
    />
  );
}

function open(initial: Design = { version: 1, rows: [] }, readOnly = false) {
  const emitted: Design[] = [];
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  renderInApp(
    <QueryClientProvider client={client}>
      <Host initial={initial} emitted={emitted} readOnly={readOnly} />
    </QueryClientProvider>,
  );
  return { emitted, user: userEvent.setup(), canvas: screen.getByRole('region', { name: 'Email canvas' }) };
}

const heading1 = (id: string, text: string) => ({ type: 'heading' as const, id, text });
const blockTypes = (canvas: HTMLElement) => [...canvas.querySelectorAll('[data-block-type]')].map((b) => b.getAttribute('data-block-type'));
const headingTexts = (canvas: HTMLElement) => [...canvas.querySelectorAll('.designer-heading')].map((h) => h.textContent);

describe('the designer, with the keyboard', () => {
  it('adds blocks with Enter on the palette, after the selected one, and every emitted document is valid for the API', async () => {
    const { emitted, user, canvas } = open();
    expect(screen.getByText(NO_FOOTER_NOTICE)).toBeTruthy();
    screen.getByRole('button', { name: 'Heading' }).focus();
    await user.keyboard('{Enter}');
    expect(blockTypes(canvas)).toEqual(['heading']);
    // The new block is selected: the next one goes after it, in the same column.
    screen.getByRole('button', { name: 'Button' }).focus();
    await user.keyboard('{Enter}');
    expect(blockTypes(canvas)).toEqual(['heading', 'button']);
    expect(canvas.querySelectorAll('[data-row-id]')).toHaveLength(1);
    screen.getByRole('button', { name: 'Footer' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByText(NO_FOOTER_NOTICE)).toBeNull();
    expect(screen.getByRole('region', { name: 'Properties' }).textContent).toContain('Footer block');

    expect(emitted).toHaveLength(3);
    for (const design of emitted) expect([...valid.Errors(design)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    const last = emitted.at(-1)!;
    expect(last.rows[0]!.columns[0]!.blocks.map((b) => b.type)).toEqual(['heading', 'button', 'footer']);
  });

  it('adds a block with nothing selected at the end of the content, above a last row holding only the footer', async () => {
    const { user, canvas } = open({ version: 1, rows: [{ id: 'r1', columns: [{ id: 'c1', blocks: [{ type: 'footer', id: 'f' }] }] }] });
    screen.getByRole('button', { name: 'Text' }).focus();
    await user.keyboard('{Enter}');
    expect(blockTypes(canvas)).toEqual(['text', 'footer']);
    expect(canvas.querySelectorAll('[data-row-id]')).toHaveLength(2);
    expect(screen.getByText('Text block added as row 1.')).toBeTruthy();
  });

  it('moves the selected block with Move up and Alt+ArrowDown, keeping focus on it, and deletes it', async () => {
    const { user, canvas } = open({
      version: 1,
      rows: [{ id: 'r1', columns: [{ id: 'c1', blocks: ['One', 'Two', 'Three'].map((text, i) => ({ type: 'heading' as const, id: `h${i}`, text })) }] }],
    });
    const three = within(canvas).getByText('Three').closest<HTMLElement>('[data-block-type]')!;
    await user.click(three);
    await user.click(within(three).getByRole('button', { name: 'Move up' }));
    expect(headingTexts(canvas)).toEqual(['One', 'Three', 'Two']);

    const one = within(canvas).getByText('One').closest<HTMLElement>('[data-block-type]')!;
    one.focus();
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(headingTexts(canvas)).toEqual(['Three', 'One', 'Two']);
    await act(() => new Promise(requestAnimationFrame));
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Heading block');
    expect(document.activeElement?.textContent).toContain('One');

    await user.click(within(canvas).getByText('Two'));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(headingTexts(canvas)).toEqual(['Three', 'One']);
  });

  it('undoes a burst of typing as one step, then the block itself; redoes both', async () => {
    const { user, canvas } = open();
    await user.click(screen.getByRole('button', { name: 'Heading' }));
    const field = screen.getByLabelText('Heading text');
    await user.clear(field);
    await user.type(field, 'Hello');
    expect(headingTexts(canvas)).toEqual(['Hello']);

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(headingTexts(canvas)).toEqual(['A heading']);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(blockTypes(canvas)).toEqual([]);
    expect((screen.getByRole('button', { name: 'Undo' }) as HTMLButtonElement).disabled).toBe(true);

    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    expect(headingTexts(canvas)).toEqual(['A heading']);
    await user.click(screen.getByRole('button', { name: 'Redo' }));
    expect(headingTexts(canvas)).toEqual(['Hello']);
    expect((screen.getByRole('button', { name: 'Redo' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('changes a row to three columns and back to one, the blocks of removed columns kept in the last one', async () => {
    const { user, canvas, emitted } = open({
      version: 1,
      rows: [{ id: 'r1', columns: [{ id: 'a', blocks: [{ type: 'heading', id: 'h1', text: 'Left' }] }, { id: 'b', blocks: [{ type: 'heading', id: 'h2', text: 'Right' }] }] }],
    });
    await user.click(screen.getByRole('button', { name: 'Drag row 1' }));
    const properties = screen.getByRole('region', { name: 'Properties' });
    await user.click(within(properties).getByRole('radio', { name: '3' }));
    expect(canvas.querySelectorAll('.designer-column')).toHaveLength(3);
    await user.click(within(properties).getByRole('radio', { name: '1' }));
    expect(canvas.querySelectorAll('.designer-column')).toHaveLength(1);
    expect(headingTexts(canvas)).toEqual(['Left', 'Right']);
    expect(emitted.at(-1)!.rows[0]!.columns).toHaveLength(1);
  });
});

describe('a read-only designer', () => {
  it('offers no palette, no block tools and no undo, and changes nothing from the keyboard', async () => {
    const { user, canvas, emitted } = open({ version: 1, rows: [{ id: 'r1', columns: [{ id: 'c1', blocks: [heading1('h1', 'One'), heading1('h2', 'Two')] }] }] }, true);
    expect(screen.queryByRole('navigation', { name: 'Blocks' })).toBeNull();
    await user.click(within(canvas).getByText('Two'));
    expect(screen.queryByRole('button', { name: 'Move up' })).toBeNull();
    expect((screen.getByLabelText('Heading text') as HTMLInputElement).readOnly).toBe(true);
    within(canvas).getByText('Two').closest<HTMLElement>('[data-block-type]')!.focus();
    await user.keyboard('{Alt>}{ArrowUp}{/Alt}{Control>}z{/Control}');
    expect(headingTexts(canvas)).toEqual(['One', 'Two']);
    expect(emitted).toEqual([]);
  });
});

describe('the designer and untrusted markup', () => {
  // Text sanitizing needs a real browser's DOM: Designer.in-chromium-drags-and-never-runs-untrusted-markup.test.tsx.
  it('shows HTML blocks only inside an empty sandbox', () => {
    const { canvas } = open({
      version: 1,
      rows: [
        {
          id: 'r1',
          columns: [
            {
              id: 'c1',
              blocks: [
                { type: 'html', id: 'h', html: '<script>window.parent.owned = true</script><p id="raw">Raw</p>' },
              ],
            },
          ],
        },
      ],
    });
    const frame = canvas.querySelector('[data-block-type="html"] iframe')!;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toContain('<p id="raw">');
    expect(document.getElementById('raw')).toBeNull();
  });
});
