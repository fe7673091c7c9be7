import { MultiSelect, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import { countOf, formatNumber } from '../format';
import type { List } from '../types';

/** Lists to send to, with the distinct contacts they hold and how many of them the campaign would reach. */
export function AudiencePicker({ value, onChange, disabled }: { value: number[]; onChange: (ids: number[]) => void; disabled?: boolean }) {
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const count = useQuery({
    queryKey: ['audience-count', value],
    queryFn: () => get<{ contacts: number; reachable: number }>(`/api/audience-count?${value.map((id) => `listIds=${id}`).join('&')}&channel=email`),
    enabled: value.length > 0,
  });
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
              : `${countOf(count.data.reachable, 'recipient')} (of ${countOf(count.data.contacts, 'contact')}: the others are unsubscribed, pending, bounced or have no email)`}
      </Text>
    </div>
  );
}
