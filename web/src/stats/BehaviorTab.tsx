import { Badge, Button, Card, Group, Stack, Switch, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { get, query } from '../api';
import { ErrorAlert } from '../components/common';
import { FilterBuilder } from '../filters/FilterBuilder';
import { fieldCatalog, newCondition, problems, prune, toApi, type FilterNode, type Group as FilterGroup } from '../filters/model';
import { formatNumber } from '../format';
import type { Campaign, CampaignStats, List, Page, Summary } from '../types';
import { ActionsMenu } from './ActionsMenu';
import { linkLabels, SEGMENTS, type Audience, type Segment } from './audience';
import { RecipientsTable } from './RecipientsTable';
import { SavedViews } from './SavedViews';

const countOf = (summary: Summary | undefined, segment: Segment) => (!summary ? undefined : segment === 'all' ? summary.total : (summary.segments[segment] ?? undefined));

/** The Behavioral tracking tab: segments, advanced filters, the active view's count and recipients, and the Actions menu. */
export function BehaviorTab({ campaign, links }: { campaign: Campaign; links: CampaignStats['links'] }) {
  const [segment, setSegment] = useState<Segment>('all');
  const [human, setHuman] = useState(false);
  const [draft, setDraft] = useState<FilterGroup>();
  const fields = useQuery({ queryKey: ['fields'], queryFn: () => get<{ name: string; type?: string }[]>('/api/fields') });
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const others = useQuery({ queryKey: ['/api/campaigns', 'others'], queryFn: () => get<Page<Campaign>>('/api/campaigns' + query({ limit: 200 })) });
  const ab = !!campaign.abTest;
  const labels = useMemo(() => linkLabels(links), [links]);
  const context = useMemo(
    () => ({
      fields: fieldCatalog(fields.data ?? [], campaign.channel, { ab }),
      links: links.map((l) => ({ id: l.id, url: l.url })),
      lists: lists.data ?? [],
      campaigns: (others.data?.items ?? []).filter((c) => c.id !== campaign.id && c.sentAt).map((c) => ({ id: c.id, name: c.name })),
      linkLabels: labels,
    }),
    [fields.data, campaign.channel, campaign.id, ab, links, lists.data, others.data, labels],
  );

  // The filter in force: the draft once it is complete (the table keeps the last complete one while the user types).
  const issues = draft ? problems(draft) : [];
  const [debouncedDraft] = useDebouncedValue(draft, 300);
  const [applied, setApplied] = useState<FilterNode | undefined>();
  const candidate = debouncedDraft && problems(debouncedDraft).length === 0 ? toApi(prune(debouncedDraft)) : undefined;
  if (JSON.stringify(candidate) !== JSON.stringify(applied) && (issues.length === 0 || !draft)) setApplied(candidate);

  const audience: Audience = useMemo(() => ({ ...(segment !== 'all' && { segment }), ...(applied && { filter: applied }), ...(human && { human }) }), [segment, applied, human]);
  const summary = useQuery({
    queryKey: ['summary', campaign.id, applied, human],
    queryFn: () => get<Summary>(`/api/campaigns/${campaign.id}/recipients/summary` + query({ filter: applied, human: human || undefined })),
    placeholderData: keepPreviousData,
  });
  const count = countOf(summary.data, segment);

  const addFilter = () => {
    const condition = newCondition(context.fields.find((f) => f.field === 'clicked') ?? context.fields[0]!, { linkId: context.links[0]?.id, listId: context.lists[0]?.id });
    setDraft((d) => (d ? { ...d, conditions: [...d.conditions, condition] } : { match: 'all', conditions: [condition] }));
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Group gap="xs" role="group" aria-label="Segments">
          {SEGMENTS.filter((s) => campaign.channel === 'email' || s.value !== 'openers').map((s) => (
            <Button
              key={s.value}
              variant={segment === s.value ? 'filled' : 'default'}
              aria-pressed={segment === s.value}
              onClick={() => setSegment(s.value)}
              rightSection={
                <Badge size="sm" variant={segment === s.value ? 'white' : 'light'} aria-hidden>
                  {summary.data ? formatNumber(countOf(summary.data, s.value)) : '…'}
                </Badge>
              }
            >
              {s.label}
            </Button>
          ))}
        </Group>
        <Group gap="xs">
          <Switch label="Human only" checked={human} onChange={(e) => setHuman(e.currentTarget.checked)} title="Leave out opens and clicks by privacy proxies and link scanners" />
          <SavedViews
            current={{ segment, filter: draft }}
            onLoad={(view) => {
              setSegment(view.segment ?? 'all');
              setDraft(view.filter);
            }}
          />
          <ActionsMenu campaign={campaign} audience={audience} count={count} disabled={!summary.data} words={context} />
        </Group>
      </Group>

      <Card withBorder padding="sm">
        <Group justify="space-between" mb={draft ? 'sm' : 0}>
          <Text role="status" aria-live="polite" data-testid="active-view-count">
            Active view: <b>{count === undefined ? '…' : formatNumber(count)}</b> {count === 1 ? 'recipient' : 'recipients'}
            {summary.isFetching && ' (updating…)'}
          </Text>
          <Group gap="xs">
            <Button variant="light" size="xs" onClick={addFilter}>
              Add advanced filter
            </Button>
            {draft && (
              <Button variant="subtle" size="xs" color="gray" onClick={() => setDraft(undefined)}>
                Clear filters
              </Button>
            )}
          </Group>
        </Group>
        {draft && <FilterBuilder value={draft} onChange={setDraft} context={context} />}
        {issues.length > 0 && (
          <Text size="sm" c="orange" mt="xs">
            To apply the filter: {issues.map(([, message]) => message).join('; ')}.
          </Text>
        )}
        <ErrorAlert error={summary.error} />
      </Card>

      <RecipientsTable campaignId={campaign.id} channel={campaign.channel} audience={audience} linkLabels={labels} ab={ab} />
    </Stack>
  );
}
