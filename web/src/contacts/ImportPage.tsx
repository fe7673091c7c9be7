import { Alert, Button, Card, FileInput, Group, Progress, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, get } from '../api';
import { ErrorAlert, PageHeader } from '../components/common';
import { formatNumber } from '../format';
import type { ImportStatus, List } from '../types';
import { useCan, useSession } from '../session';
import { defaultTarget, parseCsvHead } from './csvHead';

const NEW_LIST = 'new';

interface Head {
  headers: string[];
  rows: string[][];
}

const TITLE = 'Import contacts';
const SUBTITLE = 'A CSV file (comma, semicolon or tab separated). Contacts already known by email or phone are updated, never duplicated.';

export function ImportPage() {
  const can = useCan();
  const role = useSession()?.workspace?.role;
  if (!can('edit')) {
    return (
      <>
        <PageHeader title={TITLE} />
        <Alert color="gray">The {role} role reads contacts but does not import them.</Alert>
      </>
    );
  }
  return <ImportForm />;
}

function ImportForm() {
  const client = useQueryClient();
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const fields = useQuery({ queryKey: ['fields'], queryFn: () => get<{ name: string }[]>('/api/fields') });
  const [listChoice, setListChoice] = useState<string | null>(null);
  const [newListName, setNewListName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<Head>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [importId, setImportId] = useState<number>();

  const existingFields = (fields.data ?? []).map((f) => f.name);

  const pickFile = async (picked: File | null) => {
    setFile(picked);
    setHead(undefined);
    if (!picked) return;
    const parsed = parseCsvHead(await picked.slice(0, 256 * 1024).text());
    setHead(parsed);
    setMapping(Object.fromEntries(parsed.headers.map((h) => [h, defaultTarget(h, existingFields)])));
  };

  const start = useMutation({
    mutationFn: async () => {
      let listId = listChoice;
      if (listChoice === NEW_LIST) listId = String((await api<List>('POST', '/api/lists', { name: newListName })).id);
      const form = new FormData();
      form.append('listId', listId!);
      form.append('mapping', JSON.stringify(mapping));
      form.append('file', file!);
      return api<{ id: number }>('POST', '/api/imports', form);
    },
    onSuccess: ({ id }) => setImportId(id),
  });

  const progress = useQuery({
    queryKey: ['import', importId],
    enabled: importId !== undefined,
    queryFn: () => get<ImportStatus>(`/api/imports/${importId}`),
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 500),
  });
  const status = progress.data;
  const done = status?.status === 'done';
  useEffect(() => {
    if (done) void client.invalidateQueries({ queryKey: ['lists'] });
  }, [done, client]);

  const targets = [
    { value: 'email', label: 'Email' },
    { value: 'phone', label: 'Phone' },
    { value: 'firstName', label: 'First name' },
    { value: 'lastName', label: 'Last name' },
    ...existingFields.map((f) => ({ value: `fields.${f}`, label: `Field: ${f}` })),
    ...(head?.headers ?? []).filter((h) => !existingFields.some((f) => f.toLowerCase() === h.toLowerCase())).map((h) => ({ value: `fields.${h}`, label: `New field: ${h}` })),
    { value: 'ignore', label: 'Do not import' },
  ].filter((t, i, all) => all.findIndex((o) => o.value === t.value) === i);

  const mapsAnAddress = Object.values(mapping).some((t) => t === 'email' || t === 'phone');
  const ready = file && head && mapsAnAddress && listChoice && (listChoice !== NEW_LIST || newListName.trim());

  return (
    <>
      <PageHeader title={TITLE} subtitle={SUBTITLE} />
      {importId === undefined ? (
        <Stack maw={900}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Into list"
              placeholder="Pick a list"
              data={[{ value: NEW_LIST, label: 'A new list…' }, ...(lists.data ?? []).map((l) => ({ value: String(l.id), label: l.name }))]}
              value={listChoice}
              onChange={setListChoice}
              required
            />
            {listChoice === NEW_LIST && <TextInput label="New list name" value={newListName} onChange={(e) => setNewListName(e.currentTarget.value)} required />}
          </SimpleGrid>
          <FileInput label="CSV file" placeholder="Choose a .csv file" accept=".csv,text/csv,text/plain" value={file} onChange={pickFile} clearable />
          {head && (
            <Card withBorder>
              <Text fw={600} mb="xs">
                Column mapping
              </Text>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Column in the file</Table.Th>
                    <Table.Th>First values</Table.Th>
                    <Table.Th>Imported as</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {head.headers.map((header, index) => (
                    <Table.Tr key={header}>
                      <Table.Td fw={500}>{header}</Table.Td>
                      <Table.Td c="dimmed">{head.rows.map((r) => r[index]).filter(Boolean).join(', ') || '—'}</Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={`Import column ${header} as`}
                          data={targets}
                          value={mapping[header] ?? 'ignore'}
                          onChange={(value) => setMapping({ ...mapping, [header]: value ?? 'ignore' })}
                          allowDeselect={false}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {!mapsAnAddress && (
                <Alert color="orange" mt="sm">
                  Map one column to Email or Phone: every contact needs one of them.
                </Alert>
              )}
            </Card>
          )}
          <ErrorAlert error={start.error} />
          <Group>
            <Button onClick={() => start.mutate()} disabled={!ready} loading={start.isPending}>
              Start import
            </Button>
          </Group>
        </Stack>
      ) : (
        <ImportProgress status={status} error={progress.error} />
      )}
    </>
  );
}

function ImportProgress({ status, error }: { status?: ImportStatus; error: unknown }) {
  const fraction = status && status.total ? status.processed / status.total : 0;
  const finished = status?.status === 'done' || status?.status === 'failed';
  return (
    <Stack maw={900}>
      <ErrorAlert error={error} />
      <Text role="status" aria-live="polite">
        {!status ? 'Starting…' : status.status === 'done' ? 'Import finished' : status.status === 'failed' ? `Import failed${status.failure ? `: ${status.failure}` : ''}` : `Importing… ${formatNumber(status.processed)} of ${formatNumber(status.total)} rows`}
      </Text>
      <Progress value={finished ? 100 : fraction * 100} animated={!finished} aria-label="Import progress" size="lg" />
      {status && (
        <Group gap="xl">
          <Text>
            Imported: <b>{formatNumber(status.imported)}</b>
          </Text>
          <Text>
            Updated: <b>{formatNumber(status.updated)}</b>
          </Text>
          <Text>
            Skipped: <b>{formatNumber(status.skipped)}</b>
          </Text>
        </Group>
      )}
      {status && status.errors.length > 0 && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            Rows not imported
          </Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Row</Table.Th>
                <Table.Th>Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.errors.map((e) => (
                <Table.Tr key={`${e.row}-${e.message}`}>
                  <Table.Td>{e.row}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      {finished && (
        <Group>
          <Button component={Link} to="/contacts">
            See contacts
          </Button>
          <Button variant="default" onClick={() => window.location.reload()}>
            Import another file
          </Button>
        </Group>
      )}
    </Stack>
  );
}
