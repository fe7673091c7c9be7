import { Anchor, Badge, Button, Card, Checkbox, Group, NativeSelect, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { AutoRelaunch } from '../../../src/audience/schemas.js';
import { api, get } from '../api';
import { ErrorAlert, StatusBadge } from '../components/common';
import { formatDate, formatNumber, formatPercent } from '../format';
import { useCan } from '../session';
import type { Campaign, Lineage } from '../types';

type Item = Lineage['items'][number];

/** A campaign that has not started has no figures yet: "—", never 0 %. */
const started = (item: Item) => item.campaign.sentAt !== null;
const figure = (item: Item, value: number | null | undefined, format: (n: number | null | undefined) => string) => (started(item) ? format(value) : '—');

/** The campaign beside its parent and every relaunch made from it, with their rates side by side. */
export function Relaunches({ campaign }: { campaign: Campaign }) {
  const lineage = useQuery({ queryKey: ['lineage', campaign.id], queryFn: () => get<Lineage>(`/api/campaigns/${campaign.id}/lineage`) });
  const items = lineage.data?.items ?? [];
  if (items.length < 2) return null;
  const sms = campaign.channel === 'sms';
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {campaign.parentCampaignId ? 'Original and relaunches' : 'Relaunches'}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table>
          <caption className="sr-only">This campaign and its relaunches, side by side</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th>Audience</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Sent</Table.Th>
              <Table.Th>Received</Table.Th>
              {!sms && <Table.Th>Open rate</Table.Th>}
              <Table.Th>Click rate</Table.Th>
              {!sms && <Table.Th>Click-to-open</Table.Th>}
              <Table.Th>Human click rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.campaign.id} bg={item.role === 'campaign' ? 'blue.0' : undefined}>
                <Table.Td>
                  <Anchor component={Link} to={`/campaigns/${item.campaign.id}`} fw={item.role === 'campaign' ? 600 : undefined}>
                    {item.campaign.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{item.campaign.audienceLabel ?? (item.role === 'relaunch' ? '—' : 'original')}</Table.Td>
                <Table.Td>
                  <StatusBadge status={item.campaign.status} />
                </Table.Td>
                <Table.Td>{formatDate(item.campaign.sentAt)}</Table.Td>
                <Table.Td className="tabular">{figure(item, item.sent, formatNumber)}</Table.Td>
                <Table.Td className="tabular">{figure(item, item.received, formatNumber)}</Table.Td>
                {!sms && <Table.Td className="tabular">{figure(item, item.rates.open, formatPercent)}</Table.Td>}
                <Table.Td className="tabular">{figure(item, item.rates.click, formatPercent)}</Table.Td>
                {!sms && <Table.Td className="tabular">{figure(item, item.rates.clickToOpen, formatPercent)}</Table.Td>}
                <Table.Td className="tabular">{figure(item, item.humanRates.click, formatPercent)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

const SEGMENT_WORDS: Record<AutoRelaunch['segment'], string> = { openers: 'openers', clickers: 'clickers', active: 'active', inactive: 'inactive (received, no open or click)' };

/** Relaunch by itself some days after the send (POST /api/campaigns/:id/auto-relaunch): set it, see it, cancel it. */
export function AutoRelaunches({ campaign }: { campaign: Campaign }) {
  const can = useCan();
  const client = useQueryClient();
  const sms = campaign.channel === 'sms';
  const key = ['auto-relaunch', campaign.id];
  const planned = useQuery({ queryKey: key, queryFn: () => get<AutoRelaunch[]>(`/api/campaigns/${campaign.id}/auto-relaunch`) });
  const [afterDays, setAfterDays] = useState<number | string>(3);
  const [segment, setSegment] = useState<AutoRelaunch['segment']>('inactive');
  const [human, setHuman] = useState(true);
  const [subject, setSubject] = useState('');
  const done = () => void client.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: () =>
      api<AutoRelaunch>('POST', `/api/campaigns/${campaign.id}/auto-relaunch`, { afterDays: Number(afterDays), segment, human, ...(!sms && subject.trim() && { subject: subject.trim() }) }),
    onSuccess: done,
  });
  const cancel = useMutation({ mutationFn: (id: number) => api<AutoRelaunch>('POST', `/api/campaigns/${campaign.id}/auto-relaunch/${id}/cancel`), onSuccess: done });
  if (!campaign.sentAt) return null;
  const items = planned.data ?? [];
  if (!can('send') && items.length === 0) return null;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Auto-relaunch
      </Text>
      <Stack gap="xs">
        {items.length === 0 && (
          <Text size="sm" c="dimmed">
            None planned.
          </Text>
        )}
        {items.map((a) => (
          <Group key={a.id} justify="space-between" wrap="wrap" data-testid="auto-relaunch">
            <Text size="sm">
              To the {SEGMENT_WORDS[a.segment]}
              {a.human ? ' (human events only)' : ''}, {a.afterDays} {a.afterDays === 1 ? 'day' : 'days'} after the send, on {formatDate(a.runAt)}
              {a.subject ? ` with the subject “${a.subject}”` : ''}
            </Text>
            <Group gap="xs">
              <Badge variant="light" color={a.status === 'pending' ? 'blue' : a.status === 'done' ? 'green' : 'gray'} tt="none">
                {a.status === 'pending' ? 'planned' : a.status}
              </Badge>
              {a.relaunchCampaignId && (
                <Anchor component={Link} to={`/campaigns/${a.relaunchCampaignId}`} size="sm">
                  the relaunch
                </Anchor>
              )}
              {can('send') && a.status === 'pending' && (
                <Button size="xs" variant="light" color="red" loading={cancel.isPending && cancel.variables === a.id} onClick={() => cancel.mutate(a.id)}>
                  Cancel auto-relaunch
                </Button>
              )}
            </Group>
          </Group>
        ))}
        <ErrorAlert error={cancel.error ?? create.error} />
        {can('send') && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Group align="flex-end" gap="sm" wrap="wrap">
              <NativeSelect
                label="Relaunch to"
                value={segment}
                onChange={(e) => setSegment(e.currentTarget.value as AutoRelaunch['segment'])}
                data={(['inactive', 'openers', 'clickers', 'active'] as const).filter((s) => !sms || s !== 'openers').map((s) => ({ value: s, label: SEGMENT_WORDS[s] }))}
              />
              <NumberInput label="Days after the send" min={0} max={365} value={afterDays} onChange={setAfterDays} w={150} />
              {!sms && <TextInput label="New subject (optional)" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} w={240} />}
              <Checkbox label="Human events only" checked={human} onChange={(e) => setHuman(e.currentTarget.checked)} mb={8} />
              <Button type="submit" loading={create.isPending} disabled={afterDays === ''}>
                Plan the auto-relaunch
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Card>
  );
}
