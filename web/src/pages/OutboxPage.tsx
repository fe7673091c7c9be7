import { Anchor, Badge, Card, Grid, Group, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, query } from '../api';
import { ErrorAlert, PageHeader } from '../components/common';
import { Pager } from '../components/Pager';
import { usePagedQuery } from '../components/usePagedQuery';
import { formatDate } from '../format';

interface OutboxMessage {
  id: number | string;
  channel?: 'email' | 'sms';
  to: string;
  from?: string;
  subject?: string | null;
  text?: string | null;
  html?: string | null;
  body?: string | null;
  campaignId?: number | null;
  createdAt?: string;
  sentAt?: string;
  at?: string;
}

/** Messages kept in the local outbox while no SMTP server (or SMSC) is configured: what recipients would receive. */
export function OutboxPage() {
  const [search, setSearch] = useState('');
  const messages = usePagedQuery<OutboxMessage>('/api/outbox', { search }, 50);
  const [selected, setSelected] = useState<OutboxMessage>();
  const detail = useQuery({
    queryKey: ['outbox', selected?.id],
    enabled: !!selected && selected.html === undefined && selected.body === undefined,
    queryFn: () => get<OutboxMessage>(`/api/outbox/${selected!.id}` + query({})),
  });
  const shown = detail.data ?? selected;
  return (
    <>
      <PageHeader title="Outbox" subtitle="No SMTP server is configured: messages are kept here instead of being delivered. Links and the open pixel work as in a real inbox." />
      <ErrorAlert error={messages.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <input className="sr-only" aria-label="Search the outbox" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
          <Stack gap={4} role="list" aria-label="Messages">
            {(messages.data?.items ?? []).map((m) => (
              <UnstyledButton key={m.id} role="listitem" onClick={() => setSelected(m)} p="xs" style={{ borderRadius: 8, background: selected?.id === m.id ? 'var(--mantine-color-blue-0)' : undefined }}>
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={600} truncate>
                    {m.to}
                  </Text>
                  <Badge size="xs" variant="light">
                    {m.channel ?? 'email'}
                  </Badge>
                </Group>
                <Text size="sm" truncate>
                  {m.subject ?? m.body ?? m.text ?? ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDate(m.createdAt ?? m.sentAt ?? m.at)}
                </Text>
              </UnstyledButton>
            ))}
            {messages.data?.items.length === 0 && <Text c="dimmed">The outbox is empty.</Text>}
          </Stack>
          <Pager page={messages.page} total={messages.data?.total} previous={messages.previous} next={messages.next} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {shown ? (
            <Card withBorder>
              <Text size="sm">
                <b>To:</b> {shown.to}
              </Text>
              {shown.from && (
                <Text size="sm">
                  <b>From:</b> {shown.from}
                </Text>
              )}
              {shown.subject && (
                <Text size="sm" mb="sm">
                  <b>Subject:</b> {shown.subject}
                </Text>
              )}
              {shown.html ? (
                <iframe title="Message" sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={shown.html.replace('<head>', '<head><base target="_blank">')} className="preview-frame" style={{ height: 600 }} />
              ) : (
                <ScrollArea>
                  <Text style={{ whiteSpace: 'pre-wrap' }}>{shown.body ?? shown.text}</Text>
                </ScrollArea>
              )}
              {shown.campaignId && (
                <Anchor href={`/campaigns/${shown.campaignId}/stats`} size="sm">
                  Campaign statistics
                </Anchor>
              )}
            </Card>
          ) : (
            <Text c="dimmed">Pick a message to read it.</Text>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}
