/**
 * Drag and drop in the designer: what is dragged, where it may land, how a landing place is
 * found (pointer or keyboard) and what a drop does to the document.
 *
 * The canvas has three kinds of landing places, all disjoint: gaps between rows (a new row
 * there, or a row moved there), blocks (the dragged block lands before or after one) and the
 * end of each column. Nothing in the document changes until the drop: while dragging only the
 * landing place's marker moves, so a drag costs the blocks it passes nothing.
 */
import { KeyboardSensor, type Active, type KeyboardSensorProps, type ClientRect, type CollisionDetection, type DroppableContainer, type KeyboardCoordinateGetter } from '@dnd-kit/core';
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import {
  createBlock,
  createRow,
  findBlock,
  findRow,
  insertBlock,
  insertRow,
  moveBlock,
  moveBlockToNewRow,
  moveRow,
  type BlockType,
  type Design,
} from './model';

export type PaletteItem = BlockType | 'columns';

export type DragData = { kind: 'palette'; item: PaletteItem } | { kind: 'block'; blockId: string; type: BlockType } | { kind: 'row'; rowId: string };

export type DropData = { kind: 'gap'; index: number } | { kind: 'block'; blockId: string } | { kind: 'end'; rowId: string; column: number };

export type Side = 'before' | 'after';

export const dragId = {
  palette: (item: PaletteItem) => `palette:${item}`,
  block: (blockId: string) => `block:${blockId}`,
  row: (rowId: string) => `row:${rowId}`,
};
export const dropId = {
  gap: (index: number) => `gap:${index}`,
  block: (blockId: string) => `drop:${blockId}`,
  end: (rowId: string, column: number) => `end:${rowId}:${column}`,
};

/** Gaps take anything; blocks and column ends take blocks (new or moved); rows and new column rows only go in gaps. */
export function accepts(drag: DragData | undefined, drop: DropData | undefined): boolean {
  if (!drag || !drop) return false;
  if (drop.kind === 'gap') return true;
  if (drag.kind === 'row') return false;
  return !(drag.kind === 'palette' && drag.item === 'columns');
}

/** Beyond this distance from every landing place (over the palette, say), a drop lands nowhere. */
const REACH = 160;

const dragData = (active: Active | null) => active?.data.current as DragData | undefined;
const dropData = (container: DroppableContainer) => container.data.current as DropData | undefined;
const centre = (rect: ClientRect) => ({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });

/**
 * The landing place nearest the pointer (or, dragging with the keyboard, the dragged item's
 * centre): distance 0 inside one, ties to the smallest. Cheap enough for every pointer move.
 */
export const designerCollisions: CollisionDetection = ({ active, collisionRect, droppableRects, droppableContainers, pointerCoordinates }) => {
  const drag = dragData(active);
  const point = pointerCoordinates ?? centre(collisionRect);
  let best: { container: DroppableContainer; distance: number; area: number } | undefined;
  for (const container of droppableContainers) {
    if (container.disabled || !accepts(drag, dropData(container))) continue;
    const rect = droppableRects.get(container.id);
    if (!rect) continue;
    // Each read of a measured rect adjusts for scrolling: read only what decides.
    const dx = Math.max(rect.left - point.x, 0, point.x - rect.right);
    if (dx > REACH) continue;
    const dy = Math.max(rect.top - point.y, 0, point.y - rect.bottom);
    const distance = Math.hypot(dx, dy);
    if (distance > REACH || (best && distance > best.distance)) continue;
    const area = rect.width * rect.height;
    if (!best || distance < best.distance || area < best.area) best = { container, distance, area };
  }
  return best ? [{ id: best.container.id, data: { droppableContainer: best.container, value: best.distance } }] : [];
};

/**
 * The keyboard's moves: down or right to the next landing place in reading order, up or left
 * to the previous one (only those the dragged item may land on).
 */
export const designerKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context: { active, collisionRect, collisions, droppableRects, droppableContainers, over } }) => {
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.code];
  if (!step) return undefined;
  event.preventDefault();
  if (!active || !collisionRect) return undefined;
  const drag = dragData(active);
  const places = droppableContainers
    .getEnabled()
    .filter((c) => accepts(drag, dropData(c)) && droppableRects.has(c.id) && c.node.current)
    .sort((a, b) => (a.node.current!.compareDocumentPosition(b.node.current!) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  if (places.length === 0) return undefined;
  // Where the last move landed: its collisions come with the move's own render, while dnd-kit sets `over` in an
  // effect run a task later, so a second press soon after the first would step again from the same place.
  const here = collisions ? collisions[0]?.id : over?.id;
  const current = places.findIndex((c) => c.id === here);
  // Not over a place yet (a palette item, say): down starts at the top of the email, up at its end.
  const next = current >= 0 ? Math.max(0, Math.min(places.length - 1, current + step)) : step > 0 ? 0 : places.length - 1;
  const target = centre(droppableRects.get(places[next]!.id)!);
  return { x: target.x - collisionRect.width / 2, y: target.y - collisionRect.height / 2 };
};

/**
 * The keyboard sensor (Space or Enter to lift, arrows, Space or Enter to drop, Escape), except
 * that Enter on a palette item is its own button press: it adds the block where the selection is.
 */
export class DesignerKeyboardSensor extends KeyboardSensor {
  /**
   * Without the page's scrolling: dnd-kit's sensor scrolls instead of moving once the next place is
   * below the middle of the window (smoothly, so the places move under the next press), and a step
   * to a place lower down the page went nowhere. Each arrow here lands exactly on its place.
   */
  constructor(props: KeyboardSensorProps) {
    const { context } = props;
    super({
      ...props,
      context: {
        get current() {
          return { ...context.current, scrollableAncestors: [] };
        },
      } as typeof context,
    });
  }

  static activators = [
    {
      eventName: 'onKeyDown' as const,
      handler: (event: ReactKeyboardEvent, options: Parameters<(typeof KeyboardSensor.activators)[0]['handler']>[1], context: Parameters<(typeof KeyboardSensor.activators)[0]['handler']>[2]) => {
        if (event.nativeEvent.code === 'Enter' && (context.active.data.current as DragData | undefined)?.kind === 'palette') return false;
        // Alt+arrows move the focused block a step; they never start a drag.
        if (event.altKey) return false;
        return KeyboardSensor.activators[0]!.handler(event, options, context);
      },
    },
  ];
}

/** Before or after a block: which half of it the point is in (the keyboard lands on its centre: before). */
export function sideOf(point: { x: number; y: number } | undefined, rect: ClientRect | undefined): Side {
  if (!point || !rect) return 'before';
  return point.y > rect.top + rect.height / 2 ? 'after' : 'before';
}

/** Where the drop happens: the pointer, or the dragged item's centre with the keyboard. */
export function dropPoint(activatorEvent: Event | null, delta: { x: number; y: number }, translated: ClientRect | null | undefined): { x: number; y: number } | undefined {
  if (activatorEvent && 'clientX' in activatorEvent) {
    const { clientX, clientY } = activatorEvent as PointerEvent;
    return { x: clientX + delta.x, y: clientY + delta.y };
  }
  return translated ? centre(translated) : undefined;
}

export interface DropResult {
  design: Design;
  /** The block or row that was added or moved, to select it. */
  selected?: { kind: 'block' | 'row'; id: string };
}

/** What a drop does to the document. */
export function applyDrop(design: Design, drag: DragData, drop: DropData, side: Side = 'before'): DropResult {
  if (!accepts(drag, drop)) return { design };
  if (drag.kind === 'row') {
    return drop.kind === 'gap' ? { design: moveRow(design, drag.rowId, drop.index), selected: { kind: 'row', id: drag.rowId } } : { design };
  }
  if (drag.kind === 'palette' && drag.item === 'columns') {
    const row = createRow(2);
    return drop.kind === 'gap' ? { design: insertRow(design, drop.index, row), selected: { kind: 'row', id: row.id! } } : { design };
  }
  const target = columnTarget(design, drop, side);
  if (drag.kind === 'palette') {
    const block = createBlock(drag.item as BlockType);
    if (drop.kind === 'gap') return { design: insertRow(design, drop.index, createRow(1, [block])), selected: { kind: 'block', id: block.id! } };
    return target ? { design: insertBlock(design, target, block), selected: { kind: 'block', id: block.id! } } : { design };
  }
  const selected = { kind: 'block' as const, id: drag.blockId };
  if (drop.kind === 'gap') return { design: moveBlockToNewRow(design, drag.blockId, drop.index), selected };
  return target ? { design: moveBlock(design, drag.blockId, target), selected } : { design };
}

function columnTarget(design: Design, drop: DropData, side: Side) {
  if (drop.kind === 'end') {
    const column = findRow(design, drop.rowId)?.columns[drop.column];
    return column ? { rowId: drop.rowId, column: drop.column, index: column.blocks.length } : undefined;
  }
  if (drop.kind === 'block') {
    const found = findBlock(design, drop.blockId);
    return found ? { ...found.place, index: found.place.index + (side === 'after' ? 1 : 0) } : undefined;
  }
  return undefined;
}
