import { Alert, Button, Card, Checkbox, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api';
import { ErrorAlert } from '../components/common';
import { countOf, formatDate, formatNumber, fromLocalInput } from '../format';
import { useCan, useSession } from '../session';
import type { Campaign, GuardResult, SmsPreview, TestSendResult } from '../types';
import { useAudienceCount } from './AudiencePicker';
import { Checklist, blockingReason, useChecks } from './Checklist';
import { PreviewAsContacts } from './PreviewAsContacts';
import { useUnsavedEdits } from './unsavedEdits';

/**
 * Who the saved SMS reaches and what it costs over its real audience: personalisation changes lengths.
 * The count is the audience picker's (contacts with a phone, subscribed to SMS), so both say one number.
 */
function SmsAudienceCheck({ campaign }: { campaign: Campaign }) {
  const preview = useQuery({
    queryKey: ['sms-preview', campaign.id, campaign.updatedAt],
    queryFn: () => get<SmsPreview>(`/api/campaigns/${campaign.id}/sms-preview`),
  });
  const count = useAudienceCount(campaign.listIds, 'sms');
  const p = preview.data;
  if (!p) return <ErrorAlert error={preview.error} />;
  const reachable = campaign.listIds.length ? count.data?.reachable : p.audience;
  if (reachable === undefined) return null;
  const invalid = Math.max(0, reachable - p.audience);
  return (
    <Text size="sm" c={p.overMaxParts ? 'orange' : 'dimmed'} role="status" aria-label="SMS audience">
      {countOf(reachable, 'recipient')}
      {invalid > 0 && ` (${formatNumber(invalid)} of them with a number that is not valid: they will be skipped)`}. The first gets {p.sample.characters} characters; the longest
      message is {p.longest.parts} {p.longest.parts === 1 ? 'part' : 'parts'} ({p.longest.characters} characters, {p.longest.encoding === 'gsm7' ? 'GSM 7-bit' : 'Unicode'}).
      {p.overMaxParts > 0 && ` ${formatNumber(p.overMaxParts)} would exceed ${p.maxParts} parts and be skipped.`}
    </Text>
  );
}

/** "412 of 5,000 have ignored their last 3 campaigns", and the choice to leave them out. */
function GuardLine({ campaign, leaveOut, onLeaveOut }: { campaign: Campaign; leaveOut: boolean; onLeaveOut: (v: boolean) => void }) {
  const guard = useQuery({
    queryKey: ['guard', campaign.id, campaign.updatedAt],
    queryFn: () => get<GuardResult>(`/api/campaigns/${campaign.id}/guard?lastN=3`),
  });
  const g = guard.data;
  if (!g) return <ErrorAlert error={guard.error} />;
  if (g.dormant === 0) {
    return (
      <Text size="sm" c="dimmed" aria-label="Relaunch guard">
        Nobody in the audience has ignored their last {g.lastN} campaigns.
      </Text>
    );
  }
  return (
    <Stack gap={4} aria-label="Relaunch guard">
      <Text size="sm" c="orange">
        {formatNumber(g.dormant)} of {formatNumber(g.total)} have ignored their last {g.lastN} campaigns (no open or click by a person). Mailing them again hurts how inboxes treat your
        mail.
      </Text>
      <Checkbox label="Leave them out" checked={leaveOut} onChange={(e) => onLeaveOut(e.currentTarget.checked)} />
    </Stack>
  );
}

/**
 * Send now, schedule (with the send right), or (email) send a test to a few addresses (with the edit right).
 * Whatever goes out is what the editor shows: unsaved edits are saved first, and the panel says so.
 */
export function SendPanel({ campaign }: { campaign: Campaign }) {
  const client = useQueryClient();
  const can = useCan();
  const role = useSession()?.workspace?.role;
  const edits = useUnsavedEdits(campaign.id);
  const checks = useChecks(campaign);
  const [at, setAt] = useState('');
  const [leaveOut, setLeaveOut] = useState(false);
  const [testTo, setTestTo] = useState('');
  const [savedFirst, setSavedFirst] = useState<'test' | 'send' | null>(null);

  /** Saves the editor's edits when there are any; true when it did. */
  const saveEdits = async () => {
    if (!edits) return false;
    await edits.save();
    return true;
  };
  const send = useMutation({
    mutationFn: async (when?: string) => {
      // The server checks what was just saved and refuses (409 checks_failed) while an error stands.
      setSavedFirst((await saveEdits()) ? 'send' : null);
      return api<Campaign>('POST', `/api/campaigns/${campaign.id}/send`, { ...(when && { at: when }), ...(leaveOut && { excludeDormant: true, lastN: 3 }) });
    },
    onSuccess: (result) => {
      if (result?.id) client.setQueryData(['campaign', campaign.id], result);
      void client.invalidateQueries({ queryKey: ['campaign', campaign.id] });
    },
  });
  const test = useMutation({
    mutationFn: async () => {
      setSavedFirst((await saveEdits()) ? 'test' : null);
      return api<TestSendResult>('POST', `/api/campaigns/${campaign.id}/test`, { emails: testTo.split(/[\s,;]+/).filter(Boolean) });
    },
  });

  const blocked = blockingReason(checks.data);
  const sendNow = () => {
    if (window.confirm(`Send "${campaign.name}" now${leaveOut ? ', leaving out those who ignored their last 3 campaigns' : ''}?`)) send.mutate(undefined);
  };
  const schedule = () => {
    const when = fromLocalInput(at);
    if (!when) return;
    // A time that has passed would send at once: say so and let the user choose.
    if (Date.parse(when) <= Date.now()) {
      if (window.confirm(`${formatDate(when)}: this time has passed. Send "${campaign.name}" now?`)) send.mutate(undefined);
      return;
    }
    send.mutate(when);
  };
  const scheduleInPast = !!at && Date.parse(fromLocalInput(at) ?? '') <= Date.now();

  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Send</Text>
        {edits && (
          <Alert color="blue" p="xs">
            You have unsaved edits: sending or testing saves them first.
          </Alert>
        )}
        <Checklist campaign={campaign} />
        {campaign.channel === 'sms' && <SmsAudienceCheck campaign={campaign} />}
        <GuardLine campaign={campaign} leaveOut={leaveOut} onLeaveOut={setLeaveOut} />
        <ErrorAlert error={send.error} />
        {savedFirst === 'send' && send.isSuccess && (
          <Text size="sm" c="green" role="status">
            Your edits were saved, then sent.
          </Text>
        )}
        {!can('send') && (
          <Text size="sm" c="dimmed">
            The {role} role prepares campaigns: an owner or an admin of this workspace sends or schedules them.
          </Text>
        )}
        {can('send') && (
          <Stack gap={4}>
            <Group align="flex-end">
              <Button onClick={sendNow} loading={send.isPending && !at} disabled={!!blocked}>
                Send now
              </Button>
              <TextInput label="Or schedule for" type="datetime-local" value={at} onChange={(e) => setAt(e.currentTarget.value)} error={scheduleInPast ? 'This time has passed' : undefined} />
              <Button variant="light" disabled={!at || !!blocked} onClick={schedule} loading={send.isPending && !!at}>
                Schedule
              </Button>
            </Group>
            {blocked && (
              <Text size="sm" c="red" role="status">
                {blocked}
              </Text>
            )}
          </Stack>
        )}
        {campaign.channel === 'email' && can('edit') && (
          <>
            <Group align="flex-end">
              <TextInput label="Send a test to" placeholder="you@example.com, colleague@example.com" value={testTo} onChange={(e) => setTestTo(e.currentTarget.value)} w={360} maw="100%" />
              <Button variant="default" disabled={!testTo.trim()} onClick={() => test.mutate()} loading={test.isPending}>
                {edits ? 'Save and send test' : 'Send test'}
              </Button>
            </Group>
            <ErrorAlert error={test.error} />
            {test.data && (
              <Stack gap={2} role="status" aria-label="Test send result">
                {test.data.sent.length > 0 && (
                  <Text size="sm" c="green">
                    {savedFirst === 'test' ? 'Your edits were saved, then the test was sent' : 'Test sent'} to {test.data.sent.join(', ')}.
                  </Text>
                )}
                {test.data.failed.map((f) => (
                  <Text size="sm" c="orange" key={f.email}>
                    Not sent to {f.email}: {f.reason}.
                  </Text>
                ))}
              </Stack>
            )}
          </>
        )}
        <PreviewAsContacts campaign={campaign} />
      </Stack>
    </Card>
  );
}
