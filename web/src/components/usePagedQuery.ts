import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, query } from '../api';
import type { Page } from '../types';

/** Cursor paging with previous/next: remembers the cursors of the pages already seen. */
export function usePagedQuery<T>(path: string, params: Record<string, unknown>, limit = 50) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const key = JSON.stringify(params);
  const [seenKey, setSeenKey] = useState(key);
  if (key !== seenKey) {
    setSeenKey(key);
    setCursors([undefined]);
  }
  const cursor = cursors.at(-1);
  const result = useQuery({
    queryKey: [path, params, cursor, limit],
    queryFn: () => get<Page<T>>(path + query({ ...params, cursor, limit })),
    placeholderData: keepPreviousData,
  });
  const nextCursor = result.data?.nextCursor;
  return {
    ...result,
    page: cursors.length,
    next: nextCursor ? () => setCursors((c) => [...c, nextCursor]) : undefined,
    previous: cursors.length > 1 ? () => setCursors((c) => c.slice(0, -1)) : undefined,
  };
}
