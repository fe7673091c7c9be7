import { useCallback, useRef, useState } from 'react';
import type { Design } from './model';

/** Edits of the same field within this long make one step of undo (a burst of typing). */
const COALESCE_MS = 1000;
const LIMIT = 200;

export interface History {
  /** Applies a change: `coalesce` names what is being edited, so that a burst of the same edit is one step. */
  change(next: Design, coalesce?: string): void;
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
}

/**
 * Undo and redo over whole documents, for a controlled designer: the parent holds the value,
 * this keeps what came before and after it. Callbacks are stable; they read the latest value
 * from a ref so that memoized blocks holding them never re-render for it.
 */
export function useHistory(value: Design, onChange: (design: Design) => void): History {
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  const stacks = useRef<{ past: Design[]; future: Design[]; key?: string; at: number }>({ past: [], future: [], at: 0 });
  const [sizes, setSizes] = useState({ past: 0, future: 0 });
  const sync = () => setSizes({ past: stacks.current.past.length, future: stacks.current.future.length });

  const change = useCallback((next: Design, coalesce?: string) => {
    const { value: current, onChange: emit } = latest.current;
    if (next === current) return;
    const s = stacks.current;
    const now = Date.now();
    const joins = coalesce !== undefined && coalesce === s.key && now - s.at < COALESCE_MS && s.past.length > 0;
    if (!joins) s.past = [...s.past, current].slice(-LIMIT);
    s.future = [];
    s.key = coalesce;
    s.at = now;
    // The ref moves at once, so that two changes in one event build on each other.
    latest.current = { value: next, onChange: emit };
    emit(next);
    sync();
  }, []);

  const undo = useCallback(() => {
    const s = stacks.current;
    const previous = s.past.at(-1);
    if (!previous) return;
    const { value: current, onChange: emit } = latest.current;
    s.past = s.past.slice(0, -1);
    s.future = [current, ...s.future];
    s.key = undefined;
    latest.current = { value: previous, onChange: emit };
    emit(previous);
    sync();
  }, []);

  const redo = useCallback(() => {
    const s = stacks.current;
    const next = s.future[0];
    if (!next) return;
    const { value: current, onChange: emit } = latest.current;
    s.future = s.future.slice(1);
    s.past = [...s.past, current];
    s.key = undefined;
    latest.current = { value: next, onChange: emit };
    emit(next);
    sync();
  }, []);

  return { change, undo, redo, canUndo: sizes.past > 0, canRedo: sizes.future > 0 };
}
