import { MultiSelect, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import { formatNumber } from '../format';
import type { List } from '../types';

/** Lists to send to, with how many contacts they hold (a contact in two lists gets one message). */
export function AudiencePicker({ value, onChange, disabled }: { value: number[]; onChange: (ids: number[]) => void; disabled?: boolean }) {
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const chosen = (lists.data ?? []).filter((l) => value.includes(l.id));
  const total = chosen.reduce((sum, l) => sum + l.size, 0);
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
        {chosen.length === 0
          ? 'No list picked yet.'
          : chosen.length === 1
            ? `${formatNumber(total)} recipients`
            : `Up to ${formatNumber(total)} recipients (a contact in several lists gets one message; unsubscribed contacts are skipped)`}
      </Text>
    </div>
  );
}
