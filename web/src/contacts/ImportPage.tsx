import { Alert, Button, Card, FileInput, Group, Progress, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, get } from '../api';
import { ErrorAlert, PageHeader } from '../components/common';
import { formatNumber } from '../format';
import type { ImportStatus, List } from '../types';
import { useCan, useSession } from '../session';
import { decodeHead, defaultMapping, ENCODING_CHOICES, fieldNameOf, parseCsvHead, standardTarget, type Encoding } from './csvHead';

const NEW_LIST = 'new';

/** Countries phone numbers are known for (libphonenumber's list), named in English by the browser. */
const COUNTRY_CODES =
  'AC AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA TC TD TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW';

const countryName = (() => {
  const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : undefined;
  return (code: string) => {
    try {
      return names?.of(code) ?? code;
    } catch {
      return code;
    }
  };
})();

const COUNTRIES = COUNTRY_CODES.split(' ')
  .map((code) => ({ value: code, label: `${countryName(code)} (${code})` }))
  .sort((a, b) => a.label.localeCompare(b.label, 'en'));

/** The head the mapping step reads: enough for the header and three rows. */
const HEAD_BYTES = 256 * 1024;

interface Head {
  headers: string[];
  rows: string[][];
}

const TITLE = 'Import contacts';
const SUBTITLE =
  'A CSV file as Excel, Mailchimp, Brevo, HubSpot or any other tool saves it (comma, semicolon or tab separated). Contacts already known by email or phone are updated, never duplicated.';

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
  const [bytes, setBytes] = useState<Uint8Array>();
  const [encodingChoice, setEncodingChoice] = useState<'auto' | Encoding>('auto');
  const [encoding, setEncoding] = useState<Encoding>();
  const [country, setCountry] = useState<string | null>(null);
  const [head, setHead] = useState<Head>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [importId, setImportId] = useState<number>();

  const existingFields = (fields.data ?? []).map((f) => f.name);

  /** Reads the head in an encoding; the headers, and so the mapping, may change with it. */
  const readHead = (head: Uint8Array, choice: 'auto' | Encoding) => {
    const decoded = decodeHead(head, choice);
    const parsed = parseCsvHead(decoded.text);
    setEncoding(decoded.encoding);
    setHead(parsed);
    setMapping(defaultMapping(parsed.headers, existingFields));
  };

  const pickFile = async (picked: File | null) => {
    setFile(picked);
    setHead(undefined);
    setBytes(undefined);
    setEncodingChoice('auto');
    if (!picked) return;
    const head = new Uint8Array(await picked.slice(0, HEAD_BYTES).arrayBuffer());
    setBytes(head);
    readHead(head, 'auto');
  };

  const pickEncoding = (choice: 'auto' | Encoding) => {
    setEncodingChoice(choice);
    if (bytes) readHead(bytes, choice);
  };

  const start = useMutation({
    mutationFn: async () => {
      let listId = listChoice;
      if (listChoice === NEW_LIST) listId = String((await api<List>('POST', '/api/lists', { name: newListName })).id);
      const form = new FormData();
      form.append('listId', listId!);
      form.append('mapping', JSON.stringify(mapping));
      // Detected here from the head only: the server decides from the whole file unless the user chose.
      form.append('encoding', encodingChoice);
      if (country) form.append('defaultCountry', country);
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
    // A column named like a built-in property maps to it: it is never offered as a new field of that name.
    ...(head?.headers ?? [])
      .filter((h) => !standardTarget(h))
      .map(fieldNameOf)
      .filter((name) => name && !existingFields.some((f) => f.toLowerCase() === name.toLowerCase()))
      .map((name) => ({ value: `fields.${name}`, label: `New field: ${name}` })),
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
          <Select
            label="Country of phone numbers written without +"
            description="06 12 34 00 02 with France is +33 6 12 34 00 02. A number that cannot be read is left out and reported; the contact is imported."
            placeholder="Ricochet's default"
            data={COUNTRIES}
            value={country}
            onChange={setCountry}
            searchable
            clearable
          />
          {head && (
            <Card withBorder>
              <Text fw={600} mb="xs">
                Column mapping
              </Text>
              <Select
                label="Characters in the file"
                description={encodingChoice === 'auto' && encoding ? `Read as ${ENCODING_CHOICES.find((c) => c.value === encoding)?.label ?? encoding}. If accents look wrong below, pick another.` : 'If accents look wrong below, pick another.'}
                data={ENCODING_CHOICES}
                value={encodingChoice}
                onChange={(value) => pickEncoding((value ?? 'auto') as 'auto' | Encoding)}
                allowDeselect={false}
                mb="sm"
                maw={520}
              />
              <Table.ScrollContainer minWidth={560}>
                <Table aria-label="Column mapping">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Column in the file</Table.Th>
                      <Table.Th>First values</Table.Th>
                      <Table.Th>Imported as</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {head.headers.map((header, index) => (
                      <Table.Tr key={index}>
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
              </Table.ScrollContainer>
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

function progressText(status: ImportStatus | undefined): string {
  if (!status) return 'Starting…';
  if (status.status === 'done') return 'Import finished';
  if (status.status === 'failed') return `Import failed${status.failure ? `: ${status.failure}` : ''}`;
  // Rows are counted when the import starts reading the file: until then there is no "0 of 0".
  if (status.status === 'queued' || status.total === 0) return 'Reading the file…';
  return `Importing… ${formatNumber(Math.min(status.processed, status.total))} of ${formatNumber(status.total)} rows`;
}

export function ImportProgress({ status, error }: { status?: ImportStatus; error: unknown }) {
  const finished = status?.status === 'done' || status?.status === 'failed';
  const counting = !status || status.status === 'queued' || status.total === 0;
  const fraction = status && status.total ? Math.min(1, status.processed / status.total) : 0;
  const leftOut = status?.errors.filter((e) => !e.skipped).length ?? 0;
  const country = status?.defaultCountry ? countryName(status.defaultCountry) : undefined;
  return (
    <Stack maw={900}>
      <ErrorAlert error={error} />
      <Text role="status" aria-live="polite">
        {progressText(status)}
      </Text>
      <Progress value={finished || counting ? 100 : fraction * 100} striped={counting && !finished} animated={!finished} aria-label="Import progress" size="lg" />
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
          <Group justify="space-between" mb="xs">
            <Text fw={600}>Problems in the file</Text>
            {finished && (
              <Button component="a" href={`/api/imports/${status.id}/report`} download variant="default" size="xs">
                Download the report (CSV)
              </Button>
            )}
          </Group>
          <Text size="sm" c="dimmed" mb="xs">
            {status.skipped > 0 && `${formatNumber(status.skipped)} ${status.skipped === 1 ? 'row was' : 'rows were'} skipped: no valid email or phone left. `}
            {leftOut > 0 && `${formatNumber(leftOut)} ${leftOut === 1 ? 'value was' : 'values were'} left out of contacts that were imported.`}
            {country && ` Phone numbers without + were read as numbers of ${country}.`}
            {status.errorsTruncated && ` The first ${formatNumber(status.errors.length)} are shown here; the report has them all.`}
          </Text>
          <Table.ScrollContainer minWidth={600}>
            <Table aria-label="Problems in the file">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>Column</Table.Th>
                  <Table.Th>Value</Table.Th>
                  <Table.Th>Problem</Table.Th>
                  <Table.Th>What happened</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.errors.map((e, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>{formatNumber(e.row)}</Table.Td>
                    <Table.Td>{e.column ?? '—'}</Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{e.value ?? '—'}</Table.Td>
                    <Table.Td>{e.column ? e.message.replace(`column "${e.column}": `, '') : e.message}</Table.Td>
                    <Table.Td>{e.skipped ? 'Row skipped' : 'Imported without this value'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
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
