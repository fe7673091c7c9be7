import { Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api';
import { ErrorAlert } from '../components/common';
import { formatNumber, fromLocalInput } from '../format';
import { useCan, useSession } from '../session';
import type { Campaign, SmsPreview, TestSendResult } from '../types';

/** What the saved SMS costs over its real audience: personalisation changes lengths. */
function SmsAudienceCheck({ campaign }: { campaign: Campaign }) {
  const preview = useQuery({
    queryKey: ['sms-preview', campaign.id, campaign.body, campaign.listIds],
    queryFn: () => get<SmsPreview>(`/api/campaigns/${campaign.id}/sms-preview`),
  });
  const p = preview.data;
  if (!p) return <ErrorAlert error={preview.error} />;
  return (
    <Text size="sm" c={p.overMaxParts ? 'orange' : 'dimmed'} role="status">
      {formatNumber(p.audience)} recipients with a valid number; the longest message is {p.longest.parts} {p.longest.parts === 1 ? 'part' : 'parts'} ({p.longest.characters} characters,{' '}
      {p.longest.encoding === 'gsm7' ? 'GSM 7-bit' : 'Unicode'}).
      {p.overMaxParts > 0 && ` ${formatNumber(p.overMaxParts)} would exceed ${p.maxParts} parts and be skipped.`}
    </Text>
  );
}

/** Send now, schedule (with the send right), or (email) send a test to a few addresses (with the edit right). */
export function SendPanel({ campaign }: { campaign: Campaign }) {
  const client = useQueryClient();
  const can = useCan();
  const role = useSession()?.workspace?.role;
  const [at, setAt] = useState('');
  const [testTo, setTestTo] = useState('');
  const send = useMutation({
    mutationFn: (when?: string) => api<Campaign>('POST', `/api/campaigns/${campaign.id}/send`, when ? { at: when } : {}),
    onSuccess: (result) => {
      if (result?.id) client.setQueryData(['campaign', campaign.id], result);
      void client.invalidateQueries({ queryKey: ['campaign', campaign.id] });
    },
  });
  const test = useMutation({
    mutationFn: () => api<TestSendResult>('POST', `/api/campaigns/${campaign.id}/test`, { emails: testTo.split(/[\s,;]+/).filter(Boolean) }),
  });
  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Send</Text>
        <ErrorAlert error={send.error} />
        {campaign.channel === 'sms' && <SmsAudienceCheck campaign={campaign} />}
        {!can('send') && (
          <Text size="sm" c="dimmed">
            The {role} role prepares campaigns: an owner or an admin of this workspace sends or schedules them.
          </Text>
        )}
        {can('send') && (
          <Group align="flex-end">
            <Button onClick={() => window.confirm(`Send "${campaign.name}" now?`) && send.mutate(undefined)} loading={send.isPending && !at}>
              Send now
            </Button>
            <TextInput label="Or schedule for" type="datetime-local" value={at} onChange={(e) => setAt(e.currentTarget.value)} />
            <Button variant="light" disabled={!at} onClick={() => send.mutate(fromLocalInput(at))} loading={send.isPending && !!at}>
              Schedule
            </Button>
          </Group>
        )}
        {campaign.channel === 'email' && can('edit') && (
          <>
            <Group align="flex-end">
              <TextInput label="Send a test to" placeholder="you@example.com, colleague@example.com" value={testTo} onChange={(e) => setTestTo(e.currentTarget.value)} w={360} />
              <Button variant="default" disabled={!testTo.trim()} onClick={() => test.mutate()} loading={test.isPending}>
                Send test
              </Button>
            </Group>
            <ErrorAlert error={test.error} />
            {test.data && (
              <Text size="sm" role="status" c={test.data.failed.length ? 'orange' : 'green'}>
                {test.data.sent.length > 0 && `Test sent to ${test.data.sent.join(', ')}. `}
                {test.data.failed.map((f) => `${f.email}: ${f.reason}`).join('; ')}
              </Text>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
