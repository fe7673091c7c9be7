import { useDraggable, useDroppable } from '@dnd-kit/core';
import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { memo, useCallback, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { BLOCK_LABELS, BlockContent, STYLE_DEFAULTS } from './blocks';
import { Icon } from './icons';
import { dragId, dropId, type DragData, type DropData } from './dnd';
import { useMarker } from './marker';
import type { Block, Design, Row } from './model';

export type Selection = { kind: 'block'; id: string } | { kind: 'row'; id: string } | { kind: 'style' };

/** What the canvas can ask for; stable for the designer's life, so that memoized rows and blocks never redraw for them. */
export interface CanvasActions {
  select(selection: Selection): void;
  stepBlock(id: string, direction: -1 | 1): void;
  duplicateBlock(id: string): void;
  deleteBlock(id: string): void;
  stepRow(id: string, direction: -1 | 1): void;
  duplicateRow(id: string): void;
  deleteRow(id: string): void;
}

interface CanvasProps {
  design: Design;
  selection: Selection;
  actions: CanvasActions;
  readOnly: boolean;
  /** Set while something is dragged: the landing places show. */
  dragging: boolean;
}

/** The email as rows, columns and blocks, drawn in plain React (not the compiled MJML). */
export function Canvas({ design, selection, actions, readOnly, dragging }: CanvasProps) {
  const style = { ...STYLE_DEFAULTS, ...design.style };
  const selectedRow = selection.kind === 'row' ? selection.id : undefined;
  const selectedBlock = selection.kind === 'block' ? selection.id : undefined;
  const rowCount = design.rows.length;
  const onBackground = (event: MouseEvent) => {
    if (event.target === event.currentTarget) actions.select({ kind: 'style' });
  };
  return (
    <div
      className="designer-canvas"
      aria-label="Email canvas"
      role="region"
      data-dragging={dragging || undefined}
      style={{ background: style.backgroundColor }}
      onClick={onBackground}
    >
      <div
        className="designer-email"
        onClick={onBackground}
        style={{ maxWidth: style.width, background: style.contentBackgroundColor, fontFamily: style.fontFamily, color: style.textColor, ['--designer-link' as string]: style.linkColor }}
      >
        <Gap index={0} readOnly={readOnly} empty={rowCount === 0} />
        {design.rows.map((row, index) => (
          <RowItem
            key={row.id}
            row={row}
            index={index}
            count={rowCount}
            selected={selectedRow === row.id}
            selectedBlock={selectedBlock !== undefined && rowHolds(row, selectedBlock) ? selectedBlock : undefined}
            linkColor={style.linkColor}
            actions={actions}
            readOnly={readOnly}
          />
        ))}
        {rowCount > 0 && <Gap index={rowCount} readOnly={readOnly} />}
      </div>
    </div>
  );
}

const rowHolds = (row: Row, blockId: string) => row.columns.some((c) => c.blocks.some((b) => b.id === blockId));

/** A landing place between rows: a new row, or a row moved, lands here. */
const Gap = memo(function Gap({ index, readOnly, empty = false }: { index: number; readOnly: boolean; empty?: boolean }) {
  const data: DropData = { kind: 'gap', index };
  const { setNodeRef } = useDroppable({ id: dropId.gap(index), data, disabled: readOnly });
  const marker = useMarker(dropId.gap(index));
  return (
    <div ref={setNodeRef} className="designer-gap" data-empty={empty || undefined} data-marked={marker ? true : undefined} aria-hidden={!empty || undefined}>
      {empty && (readOnly ? 'This design is empty.' : 'Drag blocks here from the palette, or press Enter on one to add it.')}
    </div>
  );
});

interface RowProps {
  row: Row;
  index: number;
  count: number;
  selected: boolean;
  selectedBlock?: string;
  linkColor: string;
  actions: CanvasActions;
  readOnly: boolean;
}

const RowItem = memo(function RowItem({ row, index, count, selected, selectedBlock, linkColor, actions, readOnly }: RowProps) {
  const id = row.id!;
  const data: DragData = { kind: 'row', rowId: id };
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({ id: dragId.row(id), data, disabled: readOnly });
  const label = `Row ${index + 1}`;
  const onClick = (event: MouseEvent) => {
    event.stopPropagation();
    actions.select({ kind: 'row', id });
  };
  return (
    <>
      <div
        ref={setNodeRef}
        className="designer-row"
        data-row-id={id}
        data-selected={selected || undefined}
        data-dragging={isDragging || undefined}
        role="group"
        aria-label={label}
        style={{ background: row.backgroundColor }}
        onClick={onClick}
      >
        {!readOnly && (
          <div className="designer-row-bar">
            <button
              type="button"
              ref={setActivatorNodeRef}
              className="designer-handle"
              {...attributes}
              {...listeners}
              aria-roledescription="draggable row"
              aria-label={`Drag ${label.toLowerCase()}`}
              onClick={onClick}
            >
              <Icon name="grip" size={12} /> {label}
            </button>
            {selected && <RowTools id={id} first={index === 0} last={index === count - 1} actions={actions} />}
          </div>
        )}
        <div className="designer-columns">
          {row.columns.map((column, c) => (
            <div key={column.id ?? c} className="designer-column" role="group" aria-label={`Column ${c + 1}`}>
              {column.blocks.map((block) => (
                <BlockItem key={block.id} block={block} selected={block.id === selectedBlock} linkColor={linkColor} actions={actions} readOnly={readOnly} />
              ))}
              <ColumnEnd rowId={id} column={c} empty={column.blocks.length === 0} readOnly={readOnly} />
            </div>
          ))}
        </div>
      </div>
      <Gap index={index + 1} readOnly={readOnly} />
    </>
  );
});

/** The end of a column: a block dropped here goes last in it. */
const ColumnEnd = memo(function ColumnEnd({ rowId, column, empty, readOnly }: { rowId: string; column: number; empty: boolean; readOnly: boolean }) {
  const data: DropData = { kind: 'end', rowId, column };
  const id = dropId.end(rowId, column);
  const { setNodeRef } = useDroppable({ id, data, disabled: readOnly });
  const marker = useMarker(id);
  return (
    <div ref={setNodeRef} className="designer-column-end" data-empty={empty || undefined} data-marked={marker ? true : undefined}>
      {empty && !readOnly && 'Drop a block here'}
    </div>
  );
});

interface BlockProps {
  block: Block;
  selected: boolean;
  linkColor: string;
  actions: CanvasActions;
  readOnly: boolean;
}

/**
 * A block on the canvas: draggable (pointer, or Space/Enter with the keyboard), a landing place
 * for others, selectable. Its drawing is BlockContent, memoized on the block alone.
 */
const BlockItem = memo(function BlockItem({ block, selected, linkColor, actions, readOnly }: BlockProps) {
  const id = block.id!;
  const label = `${BLOCK_LABELS[block.type]} block`;
  const dragData: DragData = { kind: 'block', blockId: id, type: block.type };
  const dropData: DropData = { kind: 'block', blockId: id };
  const drag = useDraggable({ id: dragId.block(id), data: dragData, disabled: readOnly, attributes: { role: 'group', roleDescription: 'draggable block' } });
  const drop = useDroppable({ id: dropId.block(id), data: dropData, disabled: readOnly });
  const marker = useMarker(dropId.block(id));
  const { setNodeRef: setDragRef, setActivatorNodeRef } = drag;
  const { setNodeRef: setDropRef } = drop;
  const ref = useCallback(
    (node: HTMLElement | null) => {
      setDragRef(node);
      setDropRef(node);
      setActivatorNodeRef(node);
    },
    [setDragRef, setDropRef, setActivatorNodeRef],
  );
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target === event.currentTarget && event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown') && !readOnly) {
      event.preventDefault();
      actions.stepBlock(id, event.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    drag.listeners?.onKeyDown?.(event);
  };
  return (
    <div
      ref={ref}
      {...drag.attributes}
      {...drag.listeners}
      onKeyDown={onKeyDown}
      aria-label={label}
      aria-describedby={readOnly ? undefined : drag.attributes['aria-describedby']}
      className="designer-block"
      data-block-type={block.type}
      data-block-id={id}
      data-selected={selected || undefined}
      data-dragging={drag.isDragging || undefined}
      data-marker={marker ?? undefined}
      onClick={(event) => {
        event.stopPropagation();
        event.preventDefault(); // links drawn in text blocks never navigate from the canvas
        actions.select({ kind: 'block', id });
      }}
      onFocus={(event) => {
        if (event.target === event.currentTarget && !selected) actions.select({ kind: 'block', id });
      }}
    >
      <BlockContent block={block} linkColor={linkColor} />
      {selected && !readOnly && <BlockTools id={id} actions={actions} />}
    </div>
  );
});

const RowTools = memo(function RowTools({ id, first, last, actions }: { id: string; first: boolean; last: boolean; actions: CanvasActions }) {
  return (
    <Toolbar>
      <Tool label="Move row up" onClick={() => actions.stepRow(id, -1)} disabled={first}>
        <Icon name="up" />
      </Tool>
      <Tool label="Move row down" onClick={() => actions.stepRow(id, 1)} disabled={last}>
        <Icon name="down" />
      </Tool>
      <Tool label="Duplicate row" onClick={() => actions.duplicateRow(id)}>
        <Icon name="copy" />
      </Tool>
      <Tool label="Delete row" onClick={() => actions.deleteRow(id)} color="red">
        <Icon name="remove" />
      </Tool>
    </Toolbar>
  );
});

/** The selected block's buttons; memoized, since the block being dragged redraws at every pointer move. */
const BlockTools = memo(function BlockTools({ id, actions }: { id: string; actions: CanvasActions }) {
  return (
    <div className="designer-block-tools" onClick={(event) => event.stopPropagation()}>
      <Toolbar>
        <Tool label="Move up" onClick={() => actions.stepBlock(id, -1)}>
          <Icon name="up" />
        </Tool>
        <Tool label="Move down" onClick={() => actions.stepBlock(id, 1)}>
          <Icon name="down" />
        </Tool>
        <Tool label="Duplicate" onClick={() => actions.duplicateBlock(id)}>
          <Icon name="copy" />
        </Tool>
        <Tool label="Delete" onClick={() => actions.deleteBlock(id)} color="red">
          <Icon name="remove" />
        </Tool>
      </Toolbar>
    </div>
  );
});

function Toolbar({ children }: { children: ReactNode }) {
  return (
    <Group gap={4} wrap="nowrap" className="designer-toolbar" role="toolbar">
      {children}
    </Group>
  );
}

function Tool({ label, onClick, disabled, color, children }: { label: string; onClick(): void; disabled?: boolean; color?: string; children: ReactNode }) {
  return (
    <Tooltip label={label} withArrow openDelay={400}>
      <ActionIcon
        variant="default"
        size="sm"
        aria-label={label}
        disabled={disabled}
        color={color}
        onClick={(event) => {
          event.stopPropagation();
          onClick();
        }}
        // A press on a tool is never the start of a drag of the block around it.
        onPointerDown={(event) => event.stopPropagation()}
      >
        {children}
      </ActionIcon>
    </Tooltip>
  );
}
