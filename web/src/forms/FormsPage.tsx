import { Anchor, Box, Button, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Link } from 'react-router';
import { get } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorAlert, PageHeader } from '../components/common';
import { TableScroll } from '../components/TableScroll';
import { formatNumber, formatPercent } from '../format';
import { useCan } from '../session';
import type { List } from '../types';
import type { Form } from './types';

export const formsQuery = { queryKey: ['forms'], queryFn: () => get<Form[]>('/api/forms') };

/** The workspace's sign-up forms and how each one does: views, sign-ups, confirmations. */
export function FormsPage() {
  const forms = useQuery(formsQuery);
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const listName = (id: number) => lists.data?.find((l) => l.id === id)?.name;
  const can = useCan();
  const number = (n: number) => <span className="tabular">{formatNumber(n)}</span>;
  const columns: ColumnDef<Form>[] = [
    {
      header: 'Form',
      cell: ({ row }) => (
        <Anchor component={Link} to={`/forms/${row.original.id}`}>
          {row.original.name}
        </Anchor>
      ),
    },
    {
      header: 'Lists',
      cell: ({ row }) => (
        <Text size="sm">
          {row.original.listIds
            .map(listName)
            .filter(Boolean)
            .join(', ') || '—'}
        </Text>
      ),
    },
    { header: 'Views', cell: ({ row }) => number(row.original.stats.views) },
    { header: 'Sign-ups', cell: ({ row }) => number(row.original.stats.signups) },
    { header: 'Confirmations', cell: ({ row }) => number(row.original.stats.confirmations) },
    {
      header: 'Confirmation rate',
      cell: ({ row }) => <span className="tabular">{row.original.stats.signups ? formatPercent(row.original.stats.confirmationRate) : '—'}</span>,
    },
  ];
  return (
    <>
      <PageHeader
        title="Forms"
        subtitle="Sign-up forms people fill on a hosted page or on your own site"
        actions={
          can('edit') && (
            <Button component={Link} to="/forms/new">
              Create form
            </Button>
          )
        }
      />
      <ErrorAlert error={forms.error} />
      {/* Six columns do not fit a phone: the table scrolls sideways instead of squeezing. */}
      <TableScroll label="Forms">
        <Box miw={640}>
          <DataTable caption="Forms" data={forms.data ?? []} columns={columns} empty={forms.isLoading ? 'Loading…' : 'No form yet: create one and let people sign up from your site.'} />
        </Box>
      </TableScroll>
    </>
  );
}
