import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Side } from './dnd';

/**
 * Where a drag would land, outside React state: each landing place subscribes to whether the
 * marker is on it, so that moving the marker re-renders the place it leaves and the one it
 * reaches, never the whole canvas.
 */
export interface Marker {
  id: string;
  side?: Side;
}

export interface MarkerStore {
  get(): Marker | null;
  set(marker: Marker | null): void;
  subscribe(listener: () => void): () => void;
}

export function createMarkerStore(): MarkerStore {
  let current: Marker | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set(marker) {
      if (marker?.id === current?.id && marker?.side === current?.side) return;
      current = marker;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const MarkerContext = createContext<MarkerStore>(createMarkerStore());

/** 'before' or 'after' for a block, 'inside' for a gap or a column's end, null when the marker is elsewhere. */
export function useMarker(id: string): Side | 'inside' | null {
  const store = useContext(MarkerContext);
  return useSyncExternalStore(store.subscribe, () => {
    const marker = store.get();
    return marker?.id === id ? (marker.side ?? 'inside') : null;
  });
}
