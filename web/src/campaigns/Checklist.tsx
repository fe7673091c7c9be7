import { List, Text, ThemeIcon } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import { ErrorAlert } from '../components/common';
import type { Campaign, CheckItem, CheckResult } from '../types';

/** The pre-send checks of the saved campaign; the key follows updatedAt, so each save asks again. */
export function useChecks(campaign: Campaign) {
  return useQuery({
    queryKey: ['checks', campaign.id, campaign.updatedAt],
    queryFn: () => get<CheckResult>(`/api/campaigns/${campaign.id}/checks`),
  });
}

const line = (item: CheckItem) => (item.variant ? `Variant ${item.variant}: ${item.message}` : item.message);

/** Errors (they block sending) then warnings (they do not), in plain words. */
export function Checklist({ campaign }: { campaign: Campaign }) {
  const checks = useChecks(campaign);
  if (checks.error) return <ErrorAlert error={checks.error} />;
  if (!checks.data) return <Text size="sm" c="dimmed">Checking the campaign…</Text>;
  const items = [...checks.data.items].sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
  return (
    <section aria-label="Pre-send checks">
      <Text size="sm" fw={500}>
        Checks before sending
      </Text>
      {items.length === 0 ? (
        <Text size="sm" c="green">
          Everything checked is in order.
        </Text>
      ) : (
        <List size="sm" spacing={4} center>
          {items.map((item, i) => (
            <List.Item
              key={`${item.code}-${item.variant ?? ''}-${i}`}
              icon={
                <ThemeIcon size={18} radius="xl" color={item.level === 'error' ? 'red' : 'orange'} aria-hidden>
                  {item.level === 'error' ? '!' : '?'}
                </ThemeIcon>
              }
            >
              <Text size="sm" span fw={item.level === 'error' ? 600 : undefined}>
                {item.level === 'error' ? 'Must fix: ' : 'Worth a look: '}
              </Text>
              <Text size="sm" span>
                {line(item)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </section>
  );
}

/** Why the Send button is off, or null when no error stands. */
export function blockingReason(result: CheckResult | undefined): string | null {
  const errors = result?.items.filter((i) => i.level === 'error') ?? [];
  if (!errors.length) return null;
  return errors.length === 1 ? `Sending is blocked until this is fixed: ${line(errors[0]!)}` : `Sending is blocked until ${errors.length} problems are fixed (see the checks above).`;
}
