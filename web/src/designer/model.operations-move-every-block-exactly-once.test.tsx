import { describe, expect, it } from 'vitest';
import { applyDrop } from './dnd';
import {
  addBlock,
  createBlock,
  deleteBlock,
  duplicateBlock,
  duplicateRow,
  moveBlock,
  moveBlockToNewRow,
  moveRow,
  setColumnCount,
  stepBlock,
  stepRow,
  updateBlock,
  updateStyle,
  withIds,
  type Block,
  type Design,
} from './model';

const heading = (id: string): Block => ({ type: 'heading', id, text: id });

/** Rows of columns of block ids: [['a'], ['b', 'c']] is a one-column row then a two-column one. */
function design(rows: string[][][]): Design {
  return { version: 1, rows: rows.map((columns, r) => ({ id: `r${r}`, columns: columns.map((ids, c) => ({ id: `r${r}c${c}`, blocks: ids.map(heading) })) })) };
}

/** The layout as block ids, to compare with what design() took. */
const layout = (d: Design) => d.rows.map((row) => row.columns.map((column) => column.blocks.map((b) => b.id!)));
const rowIds = (d: Design) => d.rows.map((r) => r.id);

describe('moving blocks', () => {
  const start = design([[['a', 'b', 'c']], [['d'], ['e']]]);

  it('moves within a column, the target index counting blocks before the move', () => {
    expect(layout(moveBlock(start, 'a', { rowId: 'r0', column: 0, index: 3 }))).toEqual([[['b', 'c', 'a']], [['d'], ['e']]]);
    expect(layout(moveBlock(start, 'c', { rowId: 'r0', column: 0, index: 0 }))).toEqual([[['c', 'a', 'b']], [['d'], ['e']]]);
    // Onto its own place (before itself or right after it): nothing changes, the same document comes back.
    expect(moveBlock(start, 'b', { rowId: 'r0', column: 0, index: 1 })).toBe(start);
    expect(moveBlock(start, 'b', { rowId: 'r0', column: 0, index: 2 })).toBe(start);
  });

  it('moves across columns and rows, and a row it leaves empty goes', () => {
    expect(layout(moveBlock(start, 'b', { rowId: 'r1', column: 1, index: 0 }))).toEqual([[['a', 'c']], [['d'], ['b', 'e']]]);
    const emptied = moveBlock(moveBlock(start, 'd', { rowId: 'r0', column: 0, index: 0 }), 'e', { rowId: 'r0', column: 0, index: 4 });
    expect(layout(emptied)).toEqual([[['d', 'a', 'b', 'c', 'e']]]);
  });

  it('keeps unchanged rows and blocks identical (the canvas redraws only what changed)', () => {
    const next = moveBlock(start, 'b', { rowId: 'r0', column: 0, index: 0 });
    expect(next.rows[1]).toBe(start.rows[1]);
    expect(next.rows[0]!.columns[0]!.blocks[0]).toBe(start.rows[0]!.columns[0]!.blocks[1]);
  });

  it('steps a block up and down in reading order, across columns and rows, and stops at the ends', () => {
    expect(layout(stepBlock(start, 'd', -1))).toEqual([[['a', 'b', 'c', 'd']], [[], ['e']]]);
    expect(layout(stepBlock(start, 'd', 1))).toEqual([[['a', 'b', 'c']], [[], ['d', 'e']]]);
    expect(layout(stepBlock(start, 'c', 1))).toEqual([[['a', 'b']], [['c', 'd'], ['e']]]);
    expect(layout(stepBlock(start, 'b', -1))).toEqual([[['b', 'a', 'c']], [['d'], ['e']]]);
    expect(stepBlock(start, 'a', -1)).toBe(start);
    expect(stepBlock(start, 'e', 1)).toBe(start);
  });

  it('takes a block out into a new row of its own, or moves its row when it is alone in it', () => {
    const out = moveBlockToNewRow(start, 'b', 2);
    expect(layout(out)).toEqual([[['a', 'c']], [['d'], ['e']], [['b']]]);
    const alone = design([[['a']], [['b']], [['c']]]);
    const moved = moveBlockToNewRow(alone, 'a', 3);
    expect(layout(moved)).toEqual([[['b']], [['c']], [['a']]]);
    expect(moved.rows[2]).toBe(alone.rows[0]);
  });
});

describe('rows', () => {
  const start = design([[['a']], [['b']], [['c']]]);

  it('moves a row to a gap counted before the move; its own gaps change nothing', () => {
    expect(rowIds(moveRow(start, 'r0', 3))).toEqual(['r1', 'r2', 'r0']);
    expect(rowIds(moveRow(start, 'r2', 0))).toEqual(['r2', 'r0', 'r1']);
    expect(moveRow(start, 'r1', 1)).toBe(start);
    expect(moveRow(start, 'r1', 2)).toBe(start);
    expect(rowIds(stepRow(start, 'r1', -1))).toEqual(['r1', 'r0', 'r2']);
    expect(rowIds(stepRow(start, 'r1', 1))).toEqual(['r0', 'r2', 'r1']);
    expect(stepRow(start, 'r2', 1)).toBe(start);
  });

  it('duplicates a row below it with new ids for the row, its columns and its blocks', () => {
    const { design: next, id } = duplicateRow(design([[['a'], ['b']]]), 'r0');
    expect(next.rows).toHaveLength(2);
    expect(next.rows[1]!.id).toBe(id);
    const ids = next.rows.flatMap((r) => [r.id, ...r.columns.flatMap((c) => [c.id, ...c.blocks.map((b) => b.id)])]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(next.rows[1]!.columns.map((c) => c.blocks.map((b) => (b as { text: string }).text))).toEqual([['a'], ['b']]);
  });

  it('changes the column count from 1 to 4; blocks of removed columns move to the end of the last one kept', () => {
    const wide = setColumnCount(design([[['a']]]), 'r0', 4);
    expect(layout(wide)).toEqual([[['a'], [], [], []]]);
    expect(new Set(wide.rows[0]!.columns.map((c) => c.id)).size).toBe(4);
    expect(layout(setColumnCount(design([[['a'], ['b', 'c'], ['d'], ['e']]]), 'r0', 2))).toEqual([[['a'], ['b', 'c', 'd', 'e']]]);
    expect(layout(setColumnCount(design([[['a'], ['b']]]), 'r0', 1))).toEqual([[['a', 'b']]]);
    expect(layout(setColumnCount(design([[['a']]]), 'r0', 9))).toHaveLength(1);
    expect(setColumnCount(design([[['a']]]), 'r0', 9).rows[0]!.columns).toHaveLength(4);
    expect(setColumnCount(design([[['a'], ['b']]]), 'r0', 0).rows[0]!.columns).toHaveLength(1);
  });
});

describe('blocks', () => {
  it('adds to a column at its end or index, or in a new row at the end', () => {
    const start = design([[['a'], ['b']]]);
    expect(layout(addBlock(start, heading('x'), { rowId: 'r0', column: 1 }))).toEqual([[['a'], ['b', 'x']]]);
    expect(layout(addBlock(start, heading('x'), { rowId: 'r0', column: 1, index: 0 }))).toEqual([[['a'], ['x', 'b']]]);
    expect(layout(addBlock(start, heading('x')))).toEqual([[['a'], ['b']], [['x']]]);
  });

  it('duplicates below with a new id and deletes (with the row it empties)', () => {
    const start = design([[['a', 'b']], [['c']]]);
    const { design: next, id } = duplicateBlock(start, 'a');
    expect(layout(next)).toEqual([[['a', id!, 'b']], [['c']]]);
    expect(id).not.toBe('a');
    expect(layout(deleteBlock(start, 'c'))).toEqual([[['a', 'b']]]);
    expect(layout(deleteBlock(start, 'a'))).toEqual([[['b']], [['c']]]);
  });

  it('updates a block without changing its type or id, leaving out properties set to undefined', () => {
    const start: Design = { version: 1, rows: [{ id: 'r', columns: [{ id: 'c', blocks: [{ type: 'image', id: 'i', src: 'https://x.example/a.png', alt: '', width: 300 }] }] }] };
    const next = updateBlock(start, 'i', { width: undefined, alt: 'A bag', type: 'text', id: 'other' } as Partial<Block>);
    expect(next.rows[0]!.columns[0]!.blocks[0]).toEqual({ type: 'image', id: 'i', src: 'https://x.example/a.png', alt: 'A bag' });
    expect('width' in next.rows[0]!.columns[0]!.blocks[0]!).toBe(false);
  });

  it('creates every palette block valid enough to show, each with its own id', () => {
    const types = ['heading', 'text', 'image', 'button', 'divider', 'spacer', 'social', 'html', 'footer'] as const;
    const blocks = types.map(createBlock);
    expect(blocks.map((b) => b.type)).toEqual(types);
    expect(new Set(blocks.map((b) => b.id)).size).toBe(types.length);
    for (const block of blocks) expect(block.id).toMatch(/^[\w-]{1,64}$/);
  });
});

describe('ids and style', () => {
  it('gives ids to rows, columns and blocks saved without, and returns a design that has them all as it is', () => {
    const bare: Design = { version: 1, rows: [{ columns: [{ blocks: [{ type: 'divider' }] }, { blocks: [] }] }] };
    const named = withIds(bare);
    const row = named.rows[0]!;
    expect(row.id).toBeTruthy();
    expect(row.columns.every((c) => c.id)).toBe(true);
    expect(row.columns[0]!.blocks[0]!.id).toBeTruthy();
    expect(withIds(named)).toBe(named);
  });

  it('drops a style property set to nothing, and the style itself when it is empty', () => {
    const styled = updateStyle({ version: 1, rows: [] }, { width: 640, linkColor: '#ff0000' });
    expect(styled.style).toEqual({ width: 640, linkColor: '#ff0000' });
    expect(updateStyle(styled, { linkColor: undefined }).style).toEqual({ width: 640 });
    expect('style' in updateStyle(updateStyle(styled, { linkColor: undefined }), { width: undefined })).toBe(false);
  });
});

describe('drops', () => {
  const start = design([[['a', 'b']], [['c'], ['d']]]);

  it('a palette block lands in a gap as a new row, before or after a block, or at a column end', () => {
    const inGap = applyDrop(start, { kind: 'palette', item: 'button' }, { kind: 'gap', index: 1 });
    expect(inGap.design.rows).toHaveLength(3);
    expect(inGap.design.rows[1]!.columns[0]!.blocks[0]!.type).toBe('button');
    expect(inGap.selected).toEqual({ kind: 'block', id: inGap.design.rows[1]!.columns[0]!.blocks[0]!.id });

    const after = applyDrop(start, { kind: 'palette', item: 'text' }, { kind: 'block', blockId: 'a' }, 'after');
    expect(after.design.rows[0]!.columns[0]!.blocks.map((b) => b.type)).toEqual(['heading', 'text', 'heading']);
    const before = applyDrop(start, { kind: 'palette', item: 'text' }, { kind: 'block', blockId: 'a' }, 'before');
    expect(before.design.rows[0]!.columns[0]!.blocks.map((b) => b.type)).toEqual(['text', 'heading', 'heading']);
    const end = applyDrop(start, { kind: 'palette', item: 'spacer' }, { kind: 'end', rowId: 'r1', column: 1 });
    expect(end.design.rows[1]!.columns[1]!.blocks.map((b) => b.type)).toEqual(['heading', 'spacer']);
  });

  it('Columns makes a two-column row, and only in a gap', () => {
    const columns = applyDrop(start, { kind: 'palette', item: 'columns' }, { kind: 'gap', index: 2 });
    expect(columns.design.rows[2]!.columns).toHaveLength(2);
    expect(columns.selected).toEqual({ kind: 'row', id: columns.design.rows[2]!.id });
    expect(applyDrop(start, { kind: 'palette', item: 'columns' }, { kind: 'block', blockId: 'a' }).design).toBe(start);
  });

  it('a block moves before or after another, to a column end or out to a new row; a row only to a gap', () => {
    expect(layout(applyDrop(start, { kind: 'block', blockId: 'a', type: 'heading' }, { kind: 'block', blockId: 'd' }, 'after').design)).toEqual([[['b']], [['c'], ['d', 'a']]]);
    expect(layout(applyDrop(start, { kind: 'block', blockId: 'b', type: 'heading' }, { kind: 'block', blockId: 'a' }, 'before').design)).toEqual([[['b', 'a']], [['c'], ['d']]]);
    expect(layout(applyDrop(start, { kind: 'block', blockId: 'c', type: 'heading' }, { kind: 'end', rowId: 'r0', column: 0 }).design)).toEqual([[['a', 'b', 'c']], [[], ['d']]]);
    expect(layout(applyDrop(start, { kind: 'block', blockId: 'a', type: 'heading' }, { kind: 'gap', index: 0 }).design)).toEqual([[['a']], [['b']], [['c'], ['d']]]);
    expect(rowIds(applyDrop(start, { kind: 'row', rowId: 'r1' }, { kind: 'gap', index: 0 }).design)).toEqual(['r1', 'r0']);
    expect(applyDrop(start, { kind: 'row', rowId: 'r1' }, { kind: 'block', blockId: 'a' }).design).toBe(start);
  });

  it('never loses or copies a block, whatever is dropped where', () => {
    const all = (d: Design) => layout(d).flat(2).sort();
    const places = [
      { kind: 'gap' as const, index: 0 },
      { kind: 'gap' as const, index: 2 },
      { kind: 'block' as const, blockId: 'b' },
      { kind: 'end' as const, rowId: 'r1', column: 0 },
    ];
    for (const id of ['a', 'b', 'c', 'd']) {
      for (const place of places) {
        for (const side of ['before', 'after'] as const) {
          expect(all(applyDrop(start, { kind: 'block', blockId: id, type: 'heading' }, place, side).design)).toEqual(['a', 'b', 'c', 'd']);
        }
      }
    }
  });
});
