/**
 * The designer's document operations: pure functions from one design to the next, so that
 * undo is a list of documents and unchanged rows and blocks keep their identity (the canvas
 * memoizes on it). Every row, column and block the editor touches carries an id.
 */
import type { Block, BlockType, Column, Design, DesignStyle, Row } from '../../../src/designs/schema.js';

export type { Block, BlockType, Column, Design, DesignStyle, Row };

/** Where a block sits: its row, the column's index in the row and its index in the column. */
export interface BlockPlace {
  rowId: string;
  column: number;
  index: number;
}

/** A place to put a block: a column of a row and the index it will have there. */
export interface ColumnTarget {
  rowId: string;
  column: number;
  index: number;
}

export const MAX_COLUMNS = 4;
export const DEFAULT_WIDTH = 600;

let counter = 0;
/** A new id, unique in this page and most unlikely to meet one saved from another. */
export function newId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${prefix}-${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export const emptyDesign = (): Design => ({ version: 1, rows: [] });

/** A block of this type as the palette drops it: filled enough to show what it is. */
export function createBlock(type: BlockType): Block {
  const id = newId('b');
  switch (type) {
    case 'heading':
      return { type, id, text: 'A heading', level: 1 };
    case 'text':
      return { type, id, html: '<p>Write something here.</p>' };
    case 'image':
      // A neutral placeholder until one is uploaded or picked: the schema wants an http(s) address.
      return { type, id, src: 'https://placehold.co/600x300/png?text=Image', alt: '' };
    case 'button':
      return { type, id, label: 'Read more', href: 'https://example.com', align: 'center' };
    case 'divider':
      return { type, id };
    case 'spacer':
      return { type, id, height: 24 };
    case 'social':
      return { type, id, links: [{ network: 'website', href: 'https://example.com' }], align: 'center' };
    case 'html':
      return { type, id, html: '<p>Your HTML</p>' };
    case 'footer':
      return { type, id };
  }
}

export const createColumn = (blocks: Block[] = []): Column => ({ id: newId('c'), blocks });

export function createRow(columns: number, blocks: Block[] = []): Row {
  return { id: newId('r'), columns: Array.from({ length: clampColumns(columns) }, (_, i) => createColumn(i === 0 ? blocks : [])) };
}

const clampColumns = (count: number) => Math.max(1, Math.min(MAX_COLUMNS, Math.round(count)));

/** Gives every row, column and block an id; returns the same objects when they already have one. */
export function withIds(design: Design): Design {
  let changed = false;
  const rows = design.rows.map((row) => {
    let rowChanged = !row.id;
    const columns = row.columns.map((column) => {
      let columnChanged = !column.id;
      const blocks = column.blocks.map((block) => {
        if (block.id) return block;
        columnChanged = true;
        return { ...block, id: newId('b') };
      });
      if (!columnChanged) return column;
      rowChanged = true;
      return { ...column, id: column.id ?? newId('c'), blocks };
    });
    if (!rowChanged) return row;
    changed = true;
    return { ...row, id: row.id ?? newId('r'), columns };
  });
  return changed ? { ...design, rows } : design;
}

export function findBlock(design: Design, blockId: string): { block: Block; place: BlockPlace } | undefined {
  for (const row of design.rows) {
    for (let c = 0; c < row.columns.length; c++) {
      const index = row.columns[c]!.blocks.findIndex((b) => b.id === blockId);
      if (index >= 0) return { block: row.columns[c]!.blocks[index]!, place: { rowId: row.id!, column: c, index } };
    }
  }
  return undefined;
}

export const findRow = (design: Design, rowId: string): Row | undefined => design.rows.find((r) => r.id === rowId);
export const rowIndex = (design: Design, rowId: string): number => design.rows.findIndex((r) => r.id === rowId);
export const hasFooter = (design: Design): boolean => design.rows.some((r) => r.columns.some((c) => c.blocks.some((b) => b.type === 'footer')));
export const blockCount = (design: Design): number => design.rows.reduce((n, r) => n + r.columns.reduce((m, c) => m + c.blocks.length, 0), 0);

function mapRow(design: Design, rowId: string, change: (row: Row) => Row): Design {
  return { ...design, rows: design.rows.map((row) => (row.id === rowId ? change(row) : row)) };
}

function mapColumn(design: Design, rowId: string, column: number, change: (blocks: Block[]) => Block[]): Design {
  return mapRow(design, rowId, (row) => ({
    ...row,
    columns: row.columns.map((c, i) => (i === column ? { ...c, blocks: change(c.blocks) } : c)),
  }));
}

const insertAt = <T>(list: T[], index: number, item: T): T[] => {
  const at = Math.max(0, Math.min(list.length, index));
  return [...list.slice(0, at), item, ...list.slice(at)];
};

/** Puts a block into a column at an index (clamped). */
export function insertBlock(design: Design, target: ColumnTarget, block: Block): Design {
  if (!findRow(design, target.rowId)?.columns[target.column]) return design;
  return mapColumn(design, target.rowId, target.column, (blocks) => insertAt(blocks, target.index, block));
}

/** A new row at an index (clamped) of the design. */
export function insertRow(design: Design, index: number, row: Row): Design {
  return { ...design, rows: insertAt(design.rows, index, row) };
}

/** Adds a block in a new one-column row at the end, or into a column when one is given (at its end by default). */
export function addBlock(design: Design, block: Block, target?: { rowId: string; column: number; index?: number }): Design {
  const column = target && findRow(design, target.rowId)?.columns[target.column];
  if (target && column) return insertBlock(design, { ...target, index: target.index ?? column.blocks.length }, block);
  return insertRow(design, design.rows.length, createRow(1, [block]));
}

export function removeBlock(design: Design, blockId: string): Design {
  const found = findBlock(design, blockId);
  if (!found) return design;
  return mapColumn(design, found.place.rowId, found.place.column, (blocks) => blocks.filter((b) => b.id !== blockId));
}

export function updateBlock(design: Design, blockId: string, patch: Partial<Block>): Design {
  const found = findBlock(design, blockId);
  if (!found) return design;
  const next = { ...found.block, ...patch, type: found.block.type, id: blockId } as Block;
  // Optional properties set to undefined are left out, so that the document stays valid JSON for the schema.
  for (const key of Object.keys(next) as (keyof Block)[]) if (next[key] === undefined) delete next[key];
  return mapColumn(design, found.place.rowId, found.place.column, (blocks) => blocks.map((b) => (b.id === blockId ? next : b)));
}

/** A copy of a block (and of its social links) with a new id, right below it. */
export function duplicateBlock(design: Design, blockId: string): { design: Design; id?: string } {
  const found = findBlock(design, blockId);
  if (!found) return { design };
  const copy = { ...structuredClone(found.block), id: newId('b') };
  return { design: insertBlock(design, { ...found.place, index: found.place.index + 1 }, copy), id: copy.id };
}

/**
 * Moves a block to a column target. The target index counts the blocks as they are before the
 * move: moving down in the same column to index i lands the block just before the block that
 * was at i (so dropping on the gap after it is a no-op).
 */
export function moveBlock(design: Design, blockId: string, target: ColumnTarget): Design {
  const found = findBlock(design, blockId);
  if (!found || !findRow(design, target.rowId)?.columns[target.column]) return design;
  const sameColumn = found.place.rowId === target.rowId && found.place.column === target.column;
  const index = sameColumn && target.index > found.place.index ? target.index - 1 : target.index;
  if (sameColumn && index === found.place.index) return design;
  return pruneRow(insertBlock(removeBlock(design, blockId), { ...target, index }, found.block), found.place.rowId);
}

/** Deletes a block, and its row when nothing is left in it. */
export function deleteBlock(design: Design, blockId: string): Design {
  const found = findBlock(design, blockId);
  return found ? pruneRow(removeBlock(design, blockId), found.place.rowId) : design;
}

/** A row that a block left and that holds nothing any more goes too (a new empty row from the palette stays until something leaves it). */
function pruneRow(design: Design, rowId: string): Design {
  const row = findRow(design, rowId);
  return row && row.columns.every((c) => c.blocks.length === 0) ? removeRow(design, rowId) : design;
}

/** Takes a block out of its column into a new one-column row at a row index (counted before the move). */
export function moveBlockToNewRow(design: Design, blockId: string, index: number): Design {
  const found = findBlock(design, blockId);
  if (!found) return design;
  // A block alone in its one-column row: its row moves.
  const row = findRow(design, found.place.rowId)!;
  if (row.columns.length === 1 && row.columns[0]!.blocks.length === 1) return moveRow(design, row.id!, index);
  // The index counts rows before the move, and the source row may go: insert first, then prune.
  const moved = createRow(1, [found.block]);
  return pruneRow(insertRow(removeBlock(design, blockId), index, moved), row.id!);
}

/**
 * Moves a block one step up or down in reading order: within its column, then to the end of
 * the previous column (or the start of the next), then to the row above or below (its last
 * column going up, its first going down). Past the first or last row, nothing moves.
 */
export function stepBlock(design: Design, blockId: string, direction: -1 | 1): Design {
  const found = findBlock(design, blockId);
  if (!found) return design;
  const { rowId, column, index } = found.place;
  const row = findRow(design, rowId)!;
  const length = row.columns[column]!.blocks.length;
  if (direction === -1 && index > 0) return moveBlock(design, blockId, { rowId, column, index: index - 1 });
  if (direction === 1 && index < length - 1) return moveBlock(design, blockId, { rowId, column, index: index + 2 });
  const nextColumn = column + direction;
  if (nextColumn >= 0 && nextColumn < row.columns.length) {
    const size = row.columns[nextColumn]!.blocks.length;
    return moveBlock(design, blockId, { rowId, column: nextColumn, index: direction === -1 ? size : 0 });
  }
  const r = rowIndex(design, rowId) + direction;
  const neighbour = design.rows[r];
  if (!neighbour) return design;
  const c = direction === -1 ? neighbour.columns.length - 1 : 0;
  return moveBlock(design, blockId, { rowId: neighbour.id!, column: c, index: direction === -1 ? neighbour.columns[c]!.blocks.length : 0 });
}

/** Moves a row to an index counted before the move (the gap it is dropped on). */
export function moveRow(design: Design, rowId: string, toGap: number): Design {
  const from = rowIndex(design, rowId);
  if (from < 0) return design;
  const to = toGap > from ? toGap - 1 : toGap;
  if (to === from) return design;
  const rows = design.rows.filter((r) => r.id !== rowId);
  return { ...design, rows: insertAt(rows, to, design.rows[from]!) };
}

export function stepRow(design: Design, rowId: string, direction: -1 | 1): Design {
  const from = rowIndex(design, rowId);
  if (from < 0 || from + direction < 0 || from + direction >= design.rows.length) return design;
  return moveRow(design, rowId, direction === -1 ? from - 1 : from + 2);
}

export function removeRow(design: Design, rowId: string): Design {
  return { ...design, rows: design.rows.filter((r) => r.id !== rowId) };
}

/** A copy of a row with new ids for it, its columns and its blocks, right below it. */
export function duplicateRow(design: Design, rowId: string): { design: Design; id?: string } {
  const index = rowIndex(design, rowId);
  if (index < 0) return { design };
  const source = design.rows[index]!;
  const copy: Row = {
    ...structuredClone(source),
    id: newId('r'),
    columns: source.columns.map((c) => ({ id: newId('c'), blocks: c.blocks.map((b) => ({ ...structuredClone(b), id: newId('b') })) })),
  };
  return { design: insertRow(design, index + 1, copy), id: copy.id };
}

/** Changes a row's column count (1–4): new columns are empty; the blocks of removed ones move to the end of the last kept column. */
export function setColumnCount(design: Design, rowId: string, count: number): Design {
  const wanted = clampColumns(count);
  return mapRow(design, rowId, (row) => {
    if (row.columns.length === wanted) return row;
    if (wanted > row.columns.length) {
      return { ...row, columns: [...row.columns, ...Array.from({ length: wanted - row.columns.length }, () => createColumn())] };
    }
    const kept = row.columns.slice(0, wanted);
    const moved = row.columns.slice(wanted).flatMap((c) => c.blocks);
    const last = kept[wanted - 1]!;
    return { ...row, columns: [...kept.slice(0, -1), { ...last, blocks: [...last.blocks, ...moved] }] };
  });
}

export function updateRow(design: Design, rowId: string, patch: Partial<Pick<Row, 'backgroundColor'>>): Design {
  return mapRow(design, rowId, (row) => {
    const next = { ...row, ...patch };
    if (next.backgroundColor === undefined) delete next.backgroundColor;
    return next;
  });
}

export function updateStyle(design: Design, patch: Partial<DesignStyle>): Design {
  const style: DesignStyle = { ...design.style, ...patch };
  for (const key of Object.keys(style) as (keyof DesignStyle)[]) if (style[key] === undefined || style[key] === '') delete style[key];
  const { style: _old, ...rest } = design;
  return Object.keys(style).length === 0 ? rest : { ...rest, style };
}
