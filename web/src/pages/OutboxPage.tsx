import { Badge, Card, Grid, Group, ScrollArea, Stack, Tabs, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, query } from '../api';
import { ErrorAlert, Loading, PageHeader } from '../components/common';
import { formatDate, formatNumber } from '../format';
import type { OutboxEntry } from '../types';

interface OutboxMessage {
  name: string;
  from: string;
  to: string;
  subject: string;
  date: string | null;
  headers: Record<string, string>;
  html: string | null;
  text: string | null;
}

/**
 * Mail kept in the local outbox while no SMTP server is configured: what recipients
 * would receive. The mail is shown in a sandboxed frame (no script runs); its links
 * open in a new tab, so clicking one is a real tracked click.
 */
export function OutboxPage() {
  const outbox = useQuery({ queryKey: ['outbox'], queryFn: () => get<{ total: number; items: OutboxEntry[] }>('/api/outbox' + query({ limit: 200 })), refetchInterval: 5000 });
  const [selected, setSelected] = useState<string>();
  const message = useQuery({
    queryKey: ['outbox', selected],
    enabled: !!selected,
    queryFn: () => get<OutboxMessage>(`/api/outbox/${encodeURIComponent(selected!)}` + query({ format: 'json' })),
  });
  const m = message.data;
  return (
    <>
      <PageHeader title="Outbox" subtitle={`No SMTP server is configured: mail is kept here instead of being delivered. ${formatNumber(outbox.data?.total)} messages.`} />
      <ErrorAlert error={outbox.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ScrollArea h="calc(100vh - 190px)" type="auto">
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
                  <Text size="sm" fw={600} truncate>
                    {entry.to}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDate(entry.date)}
                  </Text>
                </Group>
                <Text size="sm" truncate>
                  {entry.subject || '(no subject)'}
                </Text>
              </UnstyledButton>
            ))}
            {outbox.data?.items.length === 0 && <Text c="dimmed">The outbox is empty.</Text>}
          </Stack>
          </ScrollArea>
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
                <Text size="sm">
                  <b>Subject:</b> {m.subject}
                </Text>
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
            </Card>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}
