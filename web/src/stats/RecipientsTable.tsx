import { Badge, Group, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { get, query } from '../api';
import { ErrorAlert } from '../components/common';
import { formatDate, formatShortDate, fullName } from '../format';
import type { Page, Recipient } from '../types';
import { machineEvents, type Audience } from './audience';

const PAGE_SIZE = 200;
const ROW_HEIGHT = 44;

const yes = (value: boolean | null, label: string, color = 'green') =>
  value ? (
    <Badge variant="light" color={color} size="sm" tt="none" styles={{ label: { overflow: 'visible' } }}>
      {label}
    </Badge>
  ) : (
    <Text c="dimmed" size="sm">
      no
    </Text>
  );

/** The server may add each row's human counts; the machine flag needs them. */
type Row = Recipient & { humanOpens?: number | null; humanClicks?: number | null; variant?: string | null };

/** Opened by a pixel load, or only by a click (SPEC §2: a click implies an open; "opens" counts pixel loads). */
function opened(r: Row) {
  if (!r.opened) return yes(false, '');
  return yes(true, r.opens ? `opened ×${r.opens}` : 'opened (by a click)', 'blue');
}

function columns(channel: 'email' | 'sms', labels: Map<number, string>, ab: boolean): ColumnDef<Row>[] {
  return [
    {
      id: 'email',
      header: 'Recipient',
      size: 250,
      enableSorting: true,
      cell: ({ row: { original: r } }) => (
        <div>
          <Text size="sm" truncate>
            {(channel === 'sms' ? (r.phone ?? r.email) : (r.email ?? r.phone)) ?? `#${r.contactId}`}
          </Text>
          {fullName(r) && (
            <Text size="xs" c="dimmed" truncate>
              {fullName(r)}
            </Text>
          )}
        </div>
      ),
    },
    ...(ab ? [{ id: 'variant', header: 'Variant', size: 80, cell: ({ row: { original: r } }) => r.variant ?? <Text c="dimmed" size="sm">—</Text> } as ColumnDef<Row>] : []),
    {
      id: 'received',
      header: 'Received',
      size: 130,
      cell: ({ row: { original: r } }) =>
        r.bounced ? (
          <Badge color="red" variant="light" size="sm" tt="none" styles={{ label: { overflow: 'visible' } }}>
            {r.bounceType ? `${r.bounceType} bounce` : 'bounced'}
          </Badge>
        ) : (
          yes(r.received, 'yes', 'gray')
        ),
    },
    ...(channel === 'email' ? [{ id: 'opens', header: 'Opened', size: 150, enableSorting: true, cell: ({ row: { original: r } }) => opened(r) } as ColumnDef<Row>] : []),
    {
      id: 'clicks',
      header: 'Clicked',
      size: 160,
      enableSorting: true,
      cell: ({ row: { original: r } }) => {
        const machine = machineEvents(r);
        return (
          <Group gap={4} wrap="nowrap">
            {yes(r.clicked, `clicked ×${r.clicks}`, 'orange')}
            {machine !== undefined && machine > 0 && (
              <Tooltip label={`${machine} of this row's opens and clicks were made by privacy proxies or link scanners, not by a person`}>
                <Badge color="gray" variant="outline" size="sm" tt="none" styles={{ label: { overflow: 'visible' } }}>
                  {machine === (r.opens ?? 0) + r.clicks ? 'machine' : `${machine} machine`}
                </Badge>
              </Tooltip>
            )}
          </Group>
        );
      },
    },
    {
      id: 'links',
      header: 'Links clicked',
      size: 250,
      cell: ({ row: { original: r } }) => (
        <Group gap={4} wrap="nowrap">
          {r.links.map((l) => (
            <Tooltip key={l.linkId} label={l.url}>
              <Badge variant="outline" size="sm" style={{ maxWidth: 200, textTransform: 'none' }}>
                {labels.get(l.linkId) ?? l.url} ×{l.clicks}
              </Badge>
            </Tooltip>
          ))}
        </Group>
      ),
    },
    ...(channel === 'email'
      ? [{ id: 'lastOpenAt', header: 'Last open', size: 130, enableSorting: true, cell: ({ row: { original: r } }) => <span title={formatDate(r.lastOpenAt)}>{formatShortDate(r.lastOpenAt)}</span> } as ColumnDef<Row>]
      : []),
    { id: 'lastClickAt', header: 'Last click', size: 130, enableSorting: true, cell: ({ row: { original: r } }) => <span title={formatDate(r.lastClickAt)}>{formatShortDate(r.lastClickAt)}</span> },
  ];
}

/** The active view's recipients: a virtualised table loading pages as it scrolls, sorted by the server. */
export function RecipientsTable({
  campaignId,
  channel,
  audience,
  linkLabels = new Map(),
  ab = false,
}: {
  campaignId: number;
  channel: 'email' | 'sms';
  audience: Audience;
  /** What tells each link apart (audience.ts linkLabels), by link id. */
  linkLabels?: Map<number, string>;
  /** An A/B campaign: a Variant column. */
  ab?: boolean;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const sort = sorting[0] ? `${sorting[0].desc ? '-' : ''}${sorting[0].id}` : undefined;
  const rows = useInfiniteQuery({
    queryKey: ['recipients', campaignId, audience, sort],
    queryFn: ({ pageParam }) =>
      get<Page<Row>>(`/api/campaigns/${campaignId}/recipients` + query({ ...audience, sort, cursor: pageParam, limit: PAGE_SIZE })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const data = useMemo(() => rows.data?.pages.flatMap((p) => p.items) ?? [], [rows.data]);
  const cols = useMemo(() => columns(channel, linkLabels, ab), [channel, linkLabels, ab]);
  const table = useReactTable({ data, columns: cols, getCoreRowModel: getCoreRowModel(), manualSorting: true, state: { sorting }, onSortingChange: setSorting, enableSortingRemoval: true });
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: data.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  // Before the box is measured the virtualiser has no rows: the first ones are drawn plainly meanwhile.
  const measured = virtualizer.getVirtualItems();
  const items = measured.length || !data.length ? measured : data.slice(0, 20).map((_, index) => ({ index, key: index, start: index * ROW_HEIGHT, end: (index + 1) * ROW_HEIGHT, size: ROW_HEIGHT, lane: 0 }));
  const last = items.at(-1);
  useEffect(() => {
    if (last && last.index >= data.length - 40 && rows.hasNextPage && !rows.isFetchingNextPage) void rows.fetchNextPage();
  }, [last, data.length, rows]);
  const padTop = items[0]?.start ?? 0;
  const padBottom = last ? virtualizer.getTotalSize() - last.end : 0;
  const width = cols.reduce((s, c) => s + (c.size ?? 150), 0);

  return (
    <>
      <ErrorAlert error={rows.error} />
      <div ref={scroller} style={{ height: 560, overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} tabIndex={0} aria-label="Recipients, scrollable">
        <table style={{ borderCollapse: 'collapse', width: '100%', minWidth: width, tableLayout: 'fixed' }} aria-rowcount={(rows.data?.pages[0]?.total ?? 0) + 1}>
          <caption className="sr-only">Recipients of the active view, one row per recipient</caption>
          <thead style={{ position: 'sticky', top: 0, background: 'var(--mantine-color-gray-0)', zIndex: 1 }}>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th key={header.id} scope="col" className="grid-cell" style={{ width: header.getSize(), textAlign: 'left', fontSize: 13, borderBottom: '1px solid var(--mantine-color-gray-3)' }} aria-sort={sorted ? (sorted === 'desc' ? 'descending' : 'ascending') : undefined}>
                      {header.column.getCanSort() ? (
                        <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz={13}>
                          {flexRender(header.column.columnDef.header, header.getContext())} {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </UnstyledButton>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden>
                <td style={{ height: padTop, padding: 0 }} colSpan={cols.length} />
              </tr>
            )}
            {items.map((item) => {
              const row = table.getRowModel().rows[item.index]!;
              return (
                <tr key={row.id} className="grid-row" style={{ height: ROW_HEIGHT, borderBottom: '1px solid var(--mantine-color-gray-2)' }} aria-rowindex={item.index + 2}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className="grid-cell" style={{ fontSize: 14 }}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden>
                <td style={{ height: padBottom, padding: 0 }} colSpan={cols.length} />
              </tr>
            )}
          </tbody>
        </table>
        {!rows.isLoading && data.length === 0 && (
          <Text c="dimmed" ta="center" p="xl">
            No recipient in this view.
          </Text>
        )}
      </div>
    </>
  );
}
