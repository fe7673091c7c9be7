import { MultiSelect, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import { countOf, formatNumber } from '../format';
import type { Channel, List } from '../types';

export type AudienceCount = { contacts: number; reachable: number };

/** The distinct contacts of these lists and how many a campaign on the channel reaches (by phone for SMS, by email otherwise). */
export function useAudienceCount(listIds: number[], channel: Channel) {
  return useQuery({
    queryKey: ['audience-count', listIds, channel],
    queryFn: () => get<AudienceCount>(`/api/audience-count?${listIds.map((id) => `listIds=${id}`).join('&')}&channel=${channel}`),
    enabled: listIds.length > 0,
  });
}

/** Lists to send to, with the distinct contacts they hold and how many of them the campaign would reach on its channel. */
export function AudiencePicker({ value, onChange, disabled, channel = 'email' }: { value: number[]; onChange: (ids: number[]) => void; disabled?: boolean; channel?: Channel }) {
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const count = useAudienceCount(value, channel);
  return (
    <div>
      <MultiSelect
        label="Recipients"
        description="The lists this campaign goes to"
        placeholder={value.length ? undefined : 'Pick one or more lists'}
        data={(lists.data ?? []).map((l) => ({ value: String(l.id), label: `${l.name} (${formatNumber(l.size)})` }))}
        value={value.map(String)}
        onChange={(ids) => onChange(ids.map(Number))}
        disabled={disabled}
        searchable
      />
      <Text size="sm" mt={4} c="dimmed" role="status">
        {value.length === 0
          ? 'No list picked yet.'
          : !count.data
            ? 'Counting…'
            : count.data.reachable === count.data.contacts
              ? countOf(count.data.reachable, 'recipient')
              : `${countOf(count.data.reachable, 'recipient')} (of ${countOf(count.data.contacts, 'contact')}: the others are unsubscribed, pending, bounced or have no ${channel === 'sms' ? 'phone number' : 'email'})`}
      </Text>
    </div>
  );
}
