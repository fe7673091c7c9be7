import { Button, Card, Grid, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorAlert } from '../components/common';
import { useCan, usePublicUrl, useSmsStopText } from '../session';
import type { Campaign, Channel } from '../types';
import { AudiencePicker } from './AudiencePicker';
import { EmailPreview } from './EmailPreview';
import { MergeTags, insertAtCursor } from './MergeTags';
import { SmsCounter } from './SmsCounter';
import { SmsPreview } from './SmsPreview';

type Draft = Pick<Campaign, 'name' | 'subject' | 'fromEmail' | 'fromName' | 'html' | 'body' | 'senderId' | 'listIds'> & { preheader?: string | null; replyTo?: string | null };

const STARTER_HTML = `<!doctype html>
<html>
  <body style="font-family: Arial, sans-serif; color: #1f2937;">
    <h1>Hello {{ contact.firstName | default: "there" }}!</h1>
    <p>Our spring collection is here.</p>
    <p><a href="https://example.com/spring">See the collection</a></p>
  </body>
</html>`;

function emptyDraft(channel: Channel): Draft {
  return channel === 'email'
    ? { name: '', subject: '', fromEmail: '', fromName: '', html: STARTER_HTML, body: null, senderId: null, listIds: [], preheader: '' }
    : { name: '', subject: null, fromEmail: null, fromName: null, html: null, body: '', senderId: '', listIds: [] };
}

/** What the form sends: empty optional fields become null, fields of the other channel are left out. */
function payload(channel: Channel, draft: Draft, snapshot: boolean) {
  const orNull = (value: string | null | undefined) => (value && value.trim() ? value : null);
  // A relaunch's audience is a snapshot taken when it was created: its lists are never sent.
  const audience = snapshot ? {} : { listIds: draft.listIds };
  return channel === 'email'
    ? { name: draft.name, subject: draft.subject ?? '', fromEmail: draft.fromEmail ?? '', fromName: orNull(draft.fromName), replyTo: orNull(draft.replyTo), preheader: orNull(draft.preheader), html: draft.html ?? '', ...audience }
    : { name: draft.name, body: draft.body ?? '', senderId: orNull(draft.senderId), ...audience };
}

/** The email or SMS editor for a new campaign or a draft; saving a new one opens its page. */
export function CampaignEditor({ campaign, channel }: { campaign?: Campaign; channel: Channel }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const publicUrl = usePublicUrl();
  const stopText = useSmsStopText();
  const [draft, setDraft] = useState<Draft>(campaign ?? emptyDraft(channel));
  const [saved, setSaved] = useState(false);
  const htmlRef = useRef<HTMLTextAreaElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const mayEdit = useCan()('edit');
  const readOnly = !mayEdit || (campaign !== undefined && campaign.status !== 'draft');
  const snapshot = !!campaign?.parentCampaignId && campaign.listIds.length === 0;

  const save = useMutation({
    mutationFn: () =>
      campaign
        ? api<Campaign>('PATCH', `/api/campaigns/${campaign.id}`, payload(channel, draft, snapshot))
        : api<Campaign>('POST', '/api/campaigns', { channel, ...payload(channel, draft, false) }),
    onSuccess: (result) => {
      client.setQueryData(['campaign', result.id], result);
      void client.invalidateQueries({ queryKey: ['/api/campaigns'] });
      setSaved(true);
      if (!campaign) navigate(`/campaigns/${result.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form onSubmit={submit} aria-label={channel === 'email' ? 'Email campaign' : 'SMS campaign'}>
      <Stack>
        <ErrorAlert error={save.error} />
        <Grid>
          <Grid.Col span={{ base: 12, lg: channel === 'email' ? 6 : 7 }}>
            <Stack>
              <TextInput label="Campaign name" required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} readOnly={readOnly} />
              {channel === 'email' ? (
                <>
                  <TextInput label="Subject" required value={draft.subject ?? ''} onChange={(e) => set({ subject: e.currentTarget.value })} readOnly={readOnly} />
                  <TextInput label="Preheader" description="The line shown after the subject in most inboxes" value={draft.preheader ?? ''} onChange={(e) => set({ preheader: e.currentTarget.value })} readOnly={readOnly} />
                  <Group grow>
                    <TextInput label="Sender name" value={draft.fromName ?? ''} onChange={(e) => set({ fromName: e.currentTarget.value })} readOnly={readOnly} />
                    <TextInput label="Sender email" type="email" required value={draft.fromEmail ?? ''} onChange={(e) => set({ fromEmail: e.currentTarget.value })} readOnly={readOnly} />
                  </Group>
                  <Stack gap={4}>
                    <Group justify="space-between">
                      <Text size="sm" fw={500} component="label" htmlFor="campaign-html">
                        HTML
                      </Text>
                      {!readOnly && <MergeTags onInsert={(tag) => set({ html: insertAtCursor(htmlRef.current, draft.html ?? '', tag) })} />}
                    </Group>
                    <Textarea
                      id="campaign-html"
                      ref={htmlRef}
                      value={draft.html ?? ''}
                      onChange={(e) => set({ html: e.currentTarget.value })}
                      autosize
                      minRows={14}
                      maxRows={28}
                      styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 12 } }}
                      readOnly={readOnly}
                      spellCheck={false}
                    />
                  </Stack>
                </>
              ) : (
                <>
                  <TextInput label="Sender ID" description="Up to 11 letters or a phone number" value={draft.senderId ?? ''} onChange={(e) => set({ senderId: e.currentTarget.value })} readOnly={readOnly} />
                  <Stack gap={4}>
                    <Group justify="space-between">
                      <Text size="sm" fw={500} component="label" htmlFor="campaign-body">
                        Message
                      </Text>
                      {!readOnly && <MergeTags sms onInsert={(tag) => set({ body: insertAtCursor(bodyRef.current, draft.body ?? '', tag) })} />}
                    </Group>
                    <Textarea id="campaign-body" ref={bodyRef} value={draft.body ?? ''} onChange={(e) => set({ body: e.currentTarget.value })} autosize minRows={5} readOnly={readOnly} />
                    <SmsCounter text={draft.body ?? ''} publicUrl={publicUrl} stopText={stopText} />
                  </Stack>
                </>
              )}
              {snapshot ? (
                <div>
                  <Text size="sm" fw={500}>
                    Recipients
                  </Text>
                  <Text size="sm" c="dimmed">
                    The {campaign.audienceLabel ?? 'selected'} recipients of the original campaign, frozen when this relaunch was created.
                  </Text>
                </div>
              ) : (
                <AudiencePicker value={draft.listIds} onChange={(listIds) => set({ listIds })} disabled={readOnly} />
              )}
              {!readOnly && (
                <Group>
                  <Button type="submit" loading={save.isPending}>
                    {campaign ? 'Save draft' : 'Create draft'}
                  </Button>
                  {saved && (
                    <Text size="sm" c="green" role="status">
                      Saved
                    </Text>
                  )}
                </Group>
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: channel === 'email' ? 6 : 5 }}>
            <Card withBorder padding="sm">
              <Text size="sm" fw={600} mb="xs">
                Preview (merged with a sample contact)
              </Text>
              {channel === 'email' ? <EmailPreview html={draft.html ?? ''} /> : <SmsPreview body={draft.body ?? ''} senderId={draft.senderId} />}
            </Card>
          </Grid.Col>
        </Grid>
      </Stack>
    </form>
  );
}
