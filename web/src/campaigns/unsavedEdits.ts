import { useSyncExternalStore } from 'react';
import type { Campaign } from '../types';

/**
 * The editor's unsaved edits, for the send panel beside it: a test or a send goes out
 * with what is on screen, so the panel saves the editor's edits first.
 */
export interface UnsavedEdits {
  campaignId: number;
  /** Saves the edits on screen and answers the saved campaign. */
  save: () => Promise<Campaign>;
}

let current: UnsavedEdits | null = null;
const listeners = new Set<() => void>();

export function setUnsavedEdits(edits: UnsavedEdits | null): void {
  if (current === edits) return;
  current = edits;
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The editor's unsaved edits of this campaign, or null when what is saved is what is on screen. */
export function useUnsavedEdits(campaignId: number): UnsavedEdits | null {
  const edits = useSyncExternalStore(subscribe, () => current);
  return edits?.campaignId === campaignId ? edits : null;
}
