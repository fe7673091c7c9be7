import { Badge, Card, Grid, Group, NativeSelect, ScrollArea, Stack, Tabs, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, query } from '../api';
import { ErrorAlert, Loading, PageHeader } from '../components/common';
import { Pager } from '../components/Pager';
import { formatDate, formatNumber } from '../format';
import type { Campaign, OutboxEntry, Page } from '../types';

const PAGE_SIZE = 100;

interface OutboxMessage {
  name: string;
  kind: 'email' | 'sms';
  from: string;
  to: string;
  subject: string;
  date: string | null;
  headers: Record<string, string>;
  html: string | null;
  text: string | null;
}

/**
 * Mail and SMS kept in the local outbox while no SMTP server (or SMSC) is configured: what
 * recipients would receive, searchable and by campaign. Nothing shown here records an event:
 * the server hands over the message with its pixel blank and its tracked links and SMS short
 * links pointing straight at their destination, and the mail runs in a sandboxed frame.
 */
export function OutboxPage() {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [campaignId, setCampaignId] = useState('');
  const [page, setPage] = useState(0);
  const filters = { search: debouncedSearch || undefined, campaignId: campaignId || undefined };
  const [seen, setSeen] = useState(JSON.stringify(filters));
  if (JSON.stringify(filters) !== seen) {
    setSeen(JSON.stringify(filters));
    setPage(0);
  }
  const outbox = useQuery({
    queryKey: ['outbox', filters, page],
    queryFn: () => get<{ total: number; items: OutboxEntry[] }>('/api/outbox' + query({ ...filters, limit: PAGE_SIZE, offset: page * PAGE_SIZE })),
    refetchInterval: 5000,
    placeholderData: keepPreviousData,
  });
  const campaigns = useQuery({ queryKey: ['outbox-campaigns'], queryFn: () => get<Page<Campaign>>('/api/campaigns' + query({ limit: 200 })) });
  const total = outbox.data?.total ?? 0;
  const [selected, setSelected] = useState<string>();
  const message = useQuery({
    queryKey: ['outbox', selected],
    enabled: !!selected,
    queryFn: () => get<OutboxMessage>(`/api/outbox/${encodeURIComponent(selected!)}` + query({ format: 'json' })),
  });
  const m = message.data;
  return (
    <>
      <PageHeader title="Outbox" subtitle={`No SMTP server or SMSC is configured: email and SMS are kept here instead of being delivered. ${formatNumber(outbox.data?.total)} messages.`} />
      <ErrorAlert error={outbox.error} />
      <Group gap="sm" mb="sm" align="flex-end" wrap="wrap">
        <TextInput label="Search" placeholder="Recipient or subject" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
        <NativeSelect
          label="Campaign"
          value={campaignId}
          onChange={(e) => setCampaignId(e.currentTarget.value)}
          w={260}
          data={[{ value: '', label: 'All campaigns and test sends' }, ...(campaigns.data?.items ?? []).map((c) => ({ value: String(c.id), label: c.name }))]}
        />
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ScrollArea h="calc(100vh - 290px)" type="auto">
          <Stack gap={2} role="list" aria-label="Messages">
            {(outbox.data?.items ?? []).map((entry) => (
              <UnstyledButton
                key={entry.name}
                role="listitem"
                onClick={() => setSelected(entry.name)}
                p="xs"
                aria-current={selected === entry.name}
                style={{ borderRadius: 8, background: selected === entry.name ? 'var(--mantine-color-blue-0)' : undefined }}
              >
                <Group justify="space-between" wrap="nowrap">
                  <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                    {entry.kind === 'sms' && (
                      <Badge size="xs" variant="light" color="grape">
                        SMS
                      </Badge>
                    )}
                    <Text size="sm" fw={600} truncate>
                      {entry.to}
                    </Text>
                  </Group>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDate(entry.date)}
                  </Text>
                </Group>
                <Text size="sm" truncate>
                  {entry.subject || '(no subject)'}
                </Text>
              </UnstyledButton>
            ))}
          </Stack>
          {/* Beside the list, not in it: a list holds list items only. */}
          {outbox.data?.items.length === 0 && <Text c="dimmed">{filters.search || filters.campaignId ? 'No message matches.' : 'The outbox is empty.'}</Text>}
          </ScrollArea>
          {total > PAGE_SIZE && (
            <Pager
              page={page + 1}
              total={total}
              previous={page > 0 ? () => setPage(page - 1) : undefined}
              next={(page + 1) * PAGE_SIZE < total ? () => setPage(page + 1) : undefined}
            />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {!selected && <Text c="dimmed">Pick a message to read it.</Text>}
          {selected && message.isLoading && <Loading />}
          <ErrorAlert error={message.error} />
          {m && (
            <Card withBorder>
              <Stack gap={2} mb="sm">
                <Text size="sm">
                  <b>From:</b> {m.from}
                </Text>
                <Text size="sm">
                  <b>To:</b> {m.to}
                </Text>
                {m.kind === 'email' && (
                  <Text size="sm">
                    <b>Subject:</b> {m.subject}
                  </Text>
                )}
                {m.headers['list-unsubscribe'] && (
                  <Group gap={4}>
                    <Badge size="xs" variant="light">
                      List-Unsubscribe
                    </Badge>
                    <Text size="xs" c="dimmed" truncate>
                      {m.headers['list-unsubscribe']}
                    </Text>
                  </Group>
                )}
              </Stack>
              {m.kind === 'sms' ? (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="sms-text">
                  {m.text}
                </Text>
              ) : (
              <Tabs defaultValue={m.html ? 'html' : 'text'} keepMounted={false}>
                <Tabs.List>
                  {m.html && <Tabs.Tab value="html">HTML</Tabs.Tab>}
                  <Tabs.Tab value="text">Text</Tabs.Tab>
                </Tabs.List>
                {m.html && (
                  <Tabs.Panel value="html" pt="xs">
                    <iframe title="Message" sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={`<base target="_blank">${m.html}`} className="preview-frame" style={{ height: 620 }} />
                  </Tabs.Panel>
                )}
                <Tabs.Panel value="text" pt="xs">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {m.text}
                  </Text>
                </Tabs.Panel>
              </Tabs>
              )}
            </Card>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}
