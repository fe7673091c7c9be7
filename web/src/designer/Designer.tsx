/*
 * The email designer: palette, canvas, properties panel and preview over a design document.
 *
 * Contract the browser tests rely on (keep it exact):
 * - palette items are buttons named Heading, Text, Image, Button, Divider, Spacer, Columns, HTML, Social, Footer;
 *   Enter (or a click) adds the block after the selected block, to the selected row's first column, or in a new row at the end
 *   (above a last row holding only the footer);
 * - the canvas has aria-label="Email canvas"; every row element has data-row-id; every block element has
 *   data-block-type="<type>" and an aria-label like "Heading block";
 * - the properties panel has aria-label="Properties";
 * - buttons "Undo", "Redo", and on the selected block "Move up", "Move down", "Duplicate", "Delete"
 *   (Alt+ArrowUp/Down on a focused block moves it too); on a selected row "Move row up", "Move row down", "Duplicate row", "Delete row";
 * - the preview switch is labelled "Desktop" and "Phone"; the image's file input is labelled "Upload image";
 * - without a footer block: "No footer yet: one with the unsubscribe link is added when the email is sent."
 */
import {
  DndContext,
  DragOverlay,
  PointerSensor,
  useDraggable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragMoveEvent,
  type DragOverEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BLOCK_LABELS } from './blocks';
import { Canvas, type CanvasActions, type Selection } from './Canvas';
import {
  DesignerKeyboardSensor,
  applyDrop,
  designerCollisions,
  designerKeyboardCoordinates,
  dragId,
  dropPoint,
  sideOf,
  type DragData,
  type DropData,
  type PaletteItem,
} from './dnd';
import { useHistory } from './history';
import { MarkerContext, createMarkerStore } from './marker';
import * as model from './model';
import type { Design } from './model';
import { Preview } from './Preview';
import { Properties, type PropertyActions } from './Properties';
import './designer.css';

export { emptyDesign, hasFooter } from './model';
export type { Design } from './model';

const PALETTE: { item: PaletteItem; label: string; glyph: string }[] = [
  { item: 'heading', label: 'Heading', glyph: 'H' },
  { item: 'text', label: 'Text', glyph: '¶' },
  { item: 'image', label: 'Image', glyph: '▣' },
  { item: 'button', label: 'Button', glyph: '▭' },
  { item: 'divider', label: 'Divider', glyph: '―' },
  { item: 'spacer', label: 'Spacer', glyph: '↕' },
  { item: 'columns', label: 'Columns', glyph: '▥' },
  { item: 'html', label: 'HTML', glyph: '</>' },
  { item: 'social', label: 'Social', glyph: '@' },
  { item: 'footer', label: 'Footer', glyph: '▁' },
];

export const NO_FOOTER_NOTICE = 'No footer yet: one with the unsubscribe link is added when the email is sent.';

export function Designer({ value, onChange, readOnly = false }: { value: Design; onChange(design: Design): void; readOnly?: boolean }) {
  // Designs saved through the API may lack ids: they get them here, and keep them from the first change on.
  const design = useMemo(() => model.withIds(value), [value]);
  const history = useHistory(design, onChange);
  const [selection, setSelection] = useState<Selection>({ kind: 'style' });
  const [dragging, setDragging] = useState<DragData | null>(null);
  const [status, setStatus] = useState('');
  const markers = useMemo(createMarkerStore, []);
  const latest = useRef(design);
  latest.current = design;
  const dropText = useRef('');
  const selectionRef = useRef(selection);
  selectionRef.current = selection;

  const { change } = history;
  const actions = useMemo<CanvasActions & PropertyActions & { add(item: PaletteItem): void }>(() => {
    const current = () => latest.current;
    const apply = (next: Design, coalesce?: string) => {
      latest.current = next;
      change(next, coalesce);
    };
    return {
      select: setSelection,
      stepBlock(id, direction) {
        apply(model.stepBlock(current(), id, direction));
        refocus(id);
      },
      duplicateBlock(id) {
        const { design: next, id: copy } = model.duplicateBlock(current(), id);
        apply(next);
        if (copy) setSelection({ kind: 'block', id: copy });
      },
      deleteBlock(id) {
        const found = model.findBlock(current(), id);
        const next = model.deleteBlock(current(), id);
        apply(next);
        setSelection(found && model.findRow(next, found.place.rowId) ? { kind: 'row', id: found.place.rowId } : { kind: 'style' });
        setStatus(found ? `${BLOCK_LABELS[found.block.type]} block deleted.` : '');
      },
      stepRow(id, direction) {
        apply(model.stepRow(current(), id, direction));
      },
      duplicateRow(id) {
        const { design: next, id: copy } = model.duplicateRow(current(), id);
        apply(next);
        if (copy) setSelection({ kind: 'row', id: copy });
      },
      deleteRow(id) {
        apply(model.removeRow(current(), id));
        setSelection({ kind: 'style' });
        setStatus('Row deleted.');
      },
      updateBlock(id, patch, coalesce) {
        apply(model.updateBlock(current(), id, patch), coalesce);
      },
      setColumns(rowId, count) {
        apply(model.setColumnCount(current(), rowId, count));
      },
      updateRow(rowId, patch, coalesce) {
        apply(model.updateRow(current(), rowId, patch), coalesce);
      },
      updateStyle(patch, coalesce) {
        apply(model.updateStyle(current(), patch), coalesce);
      },
      add(item) {
        const { design: next, selected, where } = addFromPalette(current(), item, selectionRef.current);
        apply(next);
        if (selected) setSelection(selected);
        setStatus(`${item === 'columns' ? 'Two-column row' : `${BLOCK_LABELS[item]} block`} added ${where}.`);
      },
    };
  }, [change]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(DesignerKeyboardSensor, { coordinateGetter: designerKeyboardCoordinates }),
  );

  const onDragStart = useCallback(
    (event: DragStartEvent) => {
      setDragging(event.active.data.current as DragData);
      markers.set(null);
    },
    [markers],
  );
  // On every move (the side of a block can change) and when the landing place changes (a move's event may carry the previous one).
  const onDragMove = useCallback(
    ({ active, over, activatorEvent, delta }: DragMoveEvent | DragOverEvent) => {
      if (!over) return markers.set(null);
      const drop = over.data.current as DropData;
      const side = drop.kind === 'block' ? sideOf(dropPoint(activatorEvent, delta, active.rect.current.translated), over.rect) : undefined;
      markers.set({ id: String(over.id), side });
    },
    [markers],
  );
  const onDragEnd = useCallback(
    ({ active, over, activatorEvent, delta }: DragEndEvent) => {
      setDragging(null);
      markers.set(null);
      if (!over) return;
      const drop = over.data.current as DropData;
      const side = drop.kind === 'block' ? sideOf(dropPoint(activatorEvent, delta, active.rect.current.translated), over.rect) : 'before';
      // Said in the words of the layout the person saw while dragging, before it changes.
      dropText.current = `${capital(describeDrag(active.data.current as DragData, latest.current))} dropped ${describeDrop(drop, latest.current, side)}.`;
      const result = applyDrop(latest.current, active.data.current as DragData, drop, side);
      if (result.design !== latest.current) {
        latest.current = result.design;
        change(result.design);
      }
      if (result.selected) setSelection(result.selected);
    },
    [change, markers],
  );
  const onDragCancel = useCallback(() => {
    setDragging(null);
    markers.set(null);
  }, [markers]);

  const announcements = useMemo<Announcements>(() => {
    const what = (data: unknown) => describeDrag(data as DragData, latest.current);
    const where = (data: unknown) => describeDrop(data as DropData, latest.current);
    return {
      onDragStart: ({ active }) => `Picked up ${what(active.data.current)}. Arrow keys move it, Space or Enter drops it, Escape cancels.`,
      onDragOver: ({ active, over }) => (over ? `${capital(what(active.data.current))} would go ${where(over.data.current)}.` : `${capital(what(active.data.current))} is not over a place to drop it.`),
      onDragEnd: ({ active, over }) => (over ? dropText.current : `${capital(what(active.data.current))} dropped outside the email: nothing changed.`),
      onDragCancel: ({ active }) => `Moving ${what(active.data.current)} was cancelled: nothing changed.`,
    };
  }, []);

  // Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Y) anywhere in the designer, or with nothing focused (after a button that undid went disabled).
  const root = useRef<HTMLDivElement>(null);
  const keys = useRef({ undo: history.undo, redo: history.redo, readOnly });
  keys.current = { undo: history.undo, redo: history.redo, readOnly };
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (keys.current.readOnly || event.defaultPrevented || !(event.ctrlKey || event.metaKey) || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target !== document.body && !root.current?.contains(target)) return;
      // Inside the rich text editor, its own undo works on what is being typed.
      if (target.isContentEditable) return;
      const key = event.key.toLowerCase();
      if (key !== 'z' && key !== 'y') return;
      event.preventDefault();
      if (key === 'y' || event.shiftKey) keys.current.redo();
      else keys.current.undo();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const footerMissing = !model.hasFooter(design);
  const overlay = dragging && describeDrag(dragging, design);

  return (
    <MarkerContext.Provider value={markers}>
      <div className="designer" ref={root}>
        <DndContext
          sensors={sensors}
          collisionDetection={designerCollisions}
          onDragStart={onDragStart}
          onDragMove={onDragMove}
          onDragOver={onDragMove}
          onDragEnd={onDragEnd}
          onDragCancel={onDragCancel}
          accessibility={{
            announcements,
            screenReaderInstructions: {
              draggable:
                'Press Space to pick this up, then the arrow keys to choose a place and Space or Enter to drop it there; Escape cancels. On a palette item, Enter adds the block after the selected one.',
            },
          }}
        >
          <Stack gap="sm">
            <Group justify="space-between" gap="xs">
              <Group gap="xs">
                <Button variant="default" size="xs" onClick={history.undo} disabled={readOnly || !history.canUndo}>
                  Undo
                </Button>
                <Button variant="default" size="xs" onClick={history.redo} disabled={readOnly || !history.canRedo}>
                  Redo
                </Button>
              </Group>
              <Text size="xs" c="dimmed" role="status" aria-live="polite">
                {status}
              </Text>
            </Group>
            {footerMissing && (
              <Alert color="blue" variant="light" p="xs">
                {NO_FOOTER_NOTICE}
              </Alert>
            )}
            <div className="designer-layout">
              {!readOnly && <Palette onAdd={actions.add} />}
              <div className="designer-canvas-wrap">
                <Canvas design={design} selection={selection} actions={actions} readOnly={readOnly} dragging={dragging !== null} />
              </div>
              <Card withBorder padding="sm" className="designer-side">
                <Properties design={design} selection={selection} actions={actions} readOnly={readOnly} />
              </Card>
            </div>
            <Card withBorder padding="sm">
              <Title order={3} size="h4" mb="xs">
                Preview
              </Title>
              <Preview design={design} />
            </Card>
          </Stack>
          <DragOverlay dropAnimation={null}>{overlay ? <div className="designer-drag-chip">{capital(overlay)}</div> : null}</DragOverlay>
        </DndContext>
      </div>
    </MarkerContext.Provider>
  );
}

const Palette = memo(function Palette({ onAdd }: { onAdd(item: PaletteItem): void }) {
  return (
    <nav aria-label="Blocks" className="designer-palette">
      <Text size="xs" c="dimmed" className="designer-palette-hint">
        Drag onto the email, or press Enter to add
      </Text>
      {PALETTE.map((entry) => (
        <PaletteButton key={entry.item} {...entry} onAdd={onAdd} />
      ))}
    </nav>
  );
});

function PaletteButton({ item, label, glyph, onAdd }: { item: PaletteItem; label: string; glyph: string; onAdd(item: PaletteItem): void }) {
  const data: DragData = { kind: 'palette', item };
  const { setNodeRef, setActivatorNodeRef, listeners, attributes } = useDraggable({ id: dragId.palette(item), data });
  const ref = useCallback(
    (node: HTMLButtonElement | null) => {
      setNodeRef(node);
      setActivatorNodeRef(node);
    },
    [setNodeRef, setActivatorNodeRef],
  );
  return (
    <button type="button" ref={ref} className="designer-palette-item" {...attributes} {...listeners} aria-roledescription="draggable block" onClick={() => onAdd(item)}>
      <span aria-hidden className="designer-glyph">
        {glyph}
      </span>
      {label}
    </button>
  );
}

/** Where Enter on a palette item puts the block: after the selected block, at the end of the selected row's first column, or in a new row at the end (above a footer row). */
function addFromPalette(design: Design, item: PaletteItem, selection: Selection): { design: Design; selected?: Selection; where: string } {
  const selectedBlock = selection.kind === 'block' ? model.findBlock(design, selection.id) : undefined;
  const selectedRow = selection.kind === 'row' ? model.findRow(design, selection.id) : undefined;
  if (item === 'columns') {
    const row = model.createRow(2);
    const after = selectedBlock ? model.rowIndex(design, selectedBlock.place.rowId) + 1 : selectedRow ? model.rowIndex(design, selectedRow.id!) + 1 : endOfContent(design);
    return { design: model.insertRow(design, after, row), selected: { kind: 'row', id: row.id! }, where: `as row ${after + 1}` };
  }
  const block = model.createBlock(item);
  const selected: Selection = { kind: 'block', id: block.id! };
  if (selectedBlock) {
    const { rowId, column, index } = selectedBlock.place;
    return { design: model.insertBlock(design, { rowId, column, index: index + 1 }, block), selected, where: `in row ${model.rowIndex(design, rowId) + 1}, column ${column + 1}` };
  }
  if (selectedRow) {
    return { design: model.addBlock(design, block, { rowId: selectedRow.id!, column: 0 }), selected, where: `in row ${model.rowIndex(design, selectedRow.id!) + 1}, column 1` };
  }
  // At the end of the content: above a last row that holds only the footer.
  const at = endOfContent(design);
  return { design: model.insertRow(design, at, model.createRow(1, [block])), selected, where: `as row ${at + 1}` };
}

function endOfContent(design: Design): number {
  const last = design.rows.at(-1);
  const footerOnly = last && last.columns.every((c) => c.blocks.every((b) => b.type === 'footer')) && model.hasFooter({ version: 1, rows: [last] });
  return footerOnly ? design.rows.length - 1 : design.rows.length;
}

function describeDrag(drag: DragData | undefined, design: Design): string {
  if (!drag) return 'the item';
  if (drag.kind === 'palette') return drag.item === 'columns' ? 'a new two-column row' : `a new ${BLOCK_LABELS[drag.item]} block`;
  if (drag.kind === 'row') return `row ${model.rowIndex(design, drag.rowId) + 1}`;
  return `the ${BLOCK_LABELS[drag.type]} block`;
}

/** A landing place in words: "at the end of row 2, column 1", "before the Text block in row 3, column 2". */
function describeDrop(drop: DropData | undefined, design: Design, side?: 'before' | 'after'): string {
  if (!drop) return 'nowhere';
  if (drop.kind === 'gap') {
    if (design.rows.length === 0) return 'into the empty email';
    if (drop.index >= design.rows.length) return 'at the end of the email';
    return drop.index === 0 ? 'at the top of the email' : `between rows ${drop.index} and ${drop.index + 1}`;
  }
  if (drop.kind === 'end') return `at the end of row ${model.rowIndex(design, drop.rowId) + 1}, column ${drop.column + 1}`;
  const found = model.findBlock(design, drop.blockId);
  if (!found) return 'on a block';
  return `${side ?? 'before'} the ${BLOCK_LABELS[found.block.type]} block in row ${model.rowIndex(design, found.place.rowId) + 1}, column ${found.place.column + 1}`;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** After a move re-orders the canvas, focus goes back to what had it (the block, or its Move button). */
function refocus(blockId: string) {
  const focused = document.activeElement as HTMLElement | null;
  const label = focused?.getAttribute('aria-label');
  const onBlock = focused?.dataset.blockId === blockId;
  requestAnimationFrame(() => {
    const block = document.querySelector<HTMLElement>(`[data-block-id="${CSS.escape(blockId)}"]`);
    if (!block) return;
    const target = !onBlock && label ? block.querySelector<HTMLElement>(`[aria-label="${CSS.escape(label)}"]`) : null;
    (target ?? block).focus();
  });
}
