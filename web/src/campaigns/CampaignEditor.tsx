import { Alert, Box, Button, Card, Grid, Group, Modal, Paper, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, lazy, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useNavigate } from 'react-router';
import type { Design } from '../../../src/designs/schema.js';
import { api, get } from '../api';
import { ErrorAlert, Loading } from '../components/common';
import { useCan, usePublicUrl, useSmsStopText } from '../session';
import { countOf } from '../format';
import type { Campaign, Channel, List, SmsPreview as SmsPreviewResult } from '../types';
import { AbSection } from './AbSection';
import { AudiencePicker, useAudienceCount } from './AudiencePicker';
import { EmailPreview } from './EmailPreview';
import { LeaveGuard } from './LeaveGuard';
import { MergeTags, insertAtCursor } from './MergeTags';
import { SaveAsTemplate, type TemplateSource } from './SaveAsTemplate';
import { SmsCounter } from './SmsCounter';
import { SmsPreview } from './SmsPreview';
import { BLANK_DESIGN, TemplatePicker, type TemplateChoice } from './TemplatePicker';
import { useSampleContact } from './sampleContact';
import { setUnsavedEdits } from './unsavedEdits';

// The designer (drag and drop, rich text) is loaded only when an email is designed.
const Designer = lazy(() => import('../designer/Designer').then((m) => ({ default: m.Designer })));

/** `design` is null for hand-written HTML (and SMS). */
type Draft = Pick<Campaign, 'name' | 'subject' | 'fromEmail' | 'fromName' | 'html' | 'body' | 'senderId' | 'listIds' | 'design'> & {
  preheader?: string | null;
  replyTo?: string | null;
  abTest?: Campaign['abTest'];
};

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
    ? { name: '', subject: '', fromEmail: '', fromName: '', html: STARTER_HTML, design: null, body: null, senderId: null, listIds: [], preheader: '' }
    : { name: '', subject: null, fromEmail: null, fromName: null, html: null, design: null, body: '', senderId: '', listIds: [] };
}

/**
 * The email's content as the server takes it: a design (the server compiles the html), or
 * hand-written html, with `design: null` when it replaces a design the campaign had.
 */
function emailContent(draft: Draft, wasDesigned: boolean) {
  if (draft.design) return { design: draft.design };
  return wasDesigned ? { design: null, html: draft.html ?? '' } : { html: draft.html ?? '' };
}

/** What the form sends: empty optional fields become null, fields of the other channel are left out. */
function payload(channel: Channel, draft: Draft, snapshot: boolean, wasDesigned = false) {
  const orNull = (value: string | null | undefined) => (value && value.trim() ? value : null);
  // A relaunch's audience is a snapshot taken when it was created: its lists are never sent.
  const audience = snapshot ? {} : { listIds: draft.listIds };
  // Null removes a test the campaign had; a new campaign without one leaves it out.
  // A designed variant comes back with the HTML compiled from it: only the design is sent again.
  const abTest =
    draft.abTest === undefined ? {} : { abTest: draft.abTest && { ...draft.abTest, variants: draft.abTest.variants.map(({ html, ...v }) => (v.design ? v : { ...v, html })) } };
  return channel === 'email'
    ? { name: draft.name, subject: draft.subject ?? '', fromEmail: draft.fromEmail ?? '', fromName: orNull(draft.fromName), replyTo: orNull(draft.replyTo), preheader: orNull(draft.preheader), ...emailContent(draft, wasDesigned), ...audience, ...abTest }
    : { name: draft.name, body: draft.body ?? '', senderId: orNull(draft.senderId), ...audience, ...abTest };
}

/** The draft's content after a pick in the template gallery; designs are copied, never shared with the cached list. */
function chosenContent(choice: TemplateChoice): Pick<Draft, 'design' | 'html'> {
  if (choice.kind === 'blank') return { design: structuredClone(BLANK_DESIGN), html: null };
  if (choice.kind === 'html') return { design: null, html: STARTER_HTML };
  const { design, html } = choice.template;
  return design ? { design: structuredClone(design), html: null } : { design: null, html: html ?? '' };
}

/** Designer → HTML: the compiled email becomes the hand-written HTML, after a confirmation. */
function SwitchToHtml({ design, opened, onClose, onSwitched }: { design: Design; opened: boolean; onClose: () => void; onSwitched: (html: string) => void }) {
  const compile = useMutation({
    mutationFn: () => api<{ html: string }>('POST', '/api/designs/compile', { design }),
    onSuccess: ({ html }) => onSwitched(html),
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Switch to HTML?">
      <Stack>
        <Text size="sm">The design becomes hand-written HTML and cannot be turned back into blocks.</Text>
        <ErrorAlert error={compile.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep the design
          </Button>
          <Button color="orange" loading={compile.isPending} onClick={() => compile.mutate()}>
            Switch to HTML
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** HTML → Designer: the HTML is replaced by a blank design or a template's. */
function SwitchToDesigner({ opened, onClose, onPick }: { opened: boolean; onClose: () => void; onPick: (choice: TemplateChoice) => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Switch to Designer?" size="min(1100px, 96vw)">
      <Stack>
        <Alert color="orange">The HTML written here is replaced by the design you start from: a blank one or a template. Saving makes it final.</Alert>
        <TemplatePicker designsOnly title="Start the design from" onPick={onPick} />
      </Stack>
    </Modal>
  );
}

/** A value shown as text: a campaign that has left draft cannot change, so nothing looks editable. */
function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {children || '—'}
      </Text>
    </div>
  );
}

const CRITERION_WORDS = { humanClickRate: 'click rate', humanOpenRate: 'open rate', clickToOpen: 'click-to-open' } as const;

/** A campaign past its draft (scheduled, sending, sent…): what it is, as text, and the content as it went out. */
function SentContent({ campaign }: { campaign: Campaign }) {
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => get<List[]>('/api/lists') });
  const listNames = campaign.listIds.map((id) => lists.data?.find((l) => l.id === id)?.name ?? `list #${id}`).join(', ');
  const ab = campaign.abTest;
  return (
    <Card withBorder component="section" aria-label="Content as sent">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          This campaign is no longer a draft: its content cannot change. Duplicate or relaunch it to send something else.
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" verticalSpacing="sm">
          <Fact label="Campaign name">{campaign.name}</Fact>
          {campaign.channel === 'email' ? (
            <>
              <Fact label="Subject">{campaign.subject}</Fact>
              <Fact label="Sender">{[campaign.fromName, campaign.fromEmail && `<${campaign.fromEmail}>`].filter(Boolean).join(' ')}</Fact>
              <Fact label="Preheader">{campaign.preheader}</Fact>
            </>
          ) : (
            <Fact label="Sender ID">{campaign.senderId}</Fact>
          )}
          <Fact label="Recipients">{campaign.listIds.length ? listNames : `The ${campaign.audienceLabel ?? 'selected'} recipients of the original campaign`}</Fact>
          {ab && (
            <Fact label="A/B test">
              {`${ab.variants.length} variants (${ab.variants.map((v) => v.key).join(', ')}) to ${ab.testPercent} % of the audience; the best ${CRITERION_WORDS[ab.criterion ?? 'humanClickRate']} by people after ${ab.waitMinutes % 60 === 0 ? countOf(ab.waitMinutes / 60, 'hour') : countOf(ab.waitMinutes, 'minute')} goes to the rest.`}
            </Fact>
          )}
        </SimpleGrid>
        {campaign.channel === 'email' ? (
          <EmailPreview html={campaign.html ?? ''} title="Email as sent" />
        ) : (
          <Paper bg="gray.1" p="sm" radius="lg" maw={420} aria-label="Message as sent">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {campaign.body}
            </Text>
          </Paper>
        )}
      </Stack>
    </Card>
  );
}

/** The email or SMS editor for a new campaign or a draft; saving a new one opens its page. */
export function CampaignEditor({ campaign, channel }: { campaign?: Campaign; channel: Channel }) {
  if (campaign && campaign.status !== 'draft') return <SentContent campaign={campaign} />;
  return <DraftEditor campaign={campaign} channel={channel} />;
}

function DraftEditor({ campaign, channel }: { campaign?: Campaign; channel: Channel }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const publicUrl = usePublicUrl();
  const stopText = useSmsStopText();
  const [draft, setDraft] = useState<Draft>(campaign ?? emptyDraft(channel));
  const [saved, setSaved] = useState(false);
  const [dirty, setDirty] = useState(false);
  // A new email starts in the template gallery until something is picked.
  const [choosing, setChoosing] = useState(!campaign && channel === 'email');
  const [picked, setPicked] = useState(false);
  const [switching, setSwitching] = useState<'html' | 'design' | null>(null);
  const htmlRef = useRef<HTMLTextAreaElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDirty(true);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const mayEdit = useCan()('edit');
  const readOnly = !mayEdit || (campaign !== undefined && campaign.status !== 'draft');
  const snapshot = !!campaign?.parentCampaignId && campaign.listIds.length === 0;
  const designed = channel === 'email' && !!draft.design;

  const save = useMutation({
    mutationFn: () => {
      // Created before anything was picked: a blank design, the gallery's first choice.
      const content = choosing && !picked ? { ...draft, ...chosenContent({ kind: 'blank' }) } : draft;
      return campaign
        ? api<Campaign>('PATCH', `/api/campaigns/${campaign.id}`, payload(channel, content, snapshot, !!campaign.design))
        : api<Campaign>('POST', '/api/campaigns', { channel, ...payload(channel, content, false) });
    },
    onSuccess: (result) => {
      client.setQueryData(['campaign', result.id], result);
      void client.invalidateQueries({ queryKey: ['/api/campaigns'] });
      // Saved before leaving: the new campaign's page opens without asking about unsaved edits.
      flushSync(() => {
        setSaved(true);
        setDirty(false);
      });
      if (!campaign) navigate(`/campaigns/${result.id}`);
    },
  });
  // The send panel beside the editor saves these edits before a test or a send goes out.
  const campaignId = campaign?.id;
  const saveAsync = save.mutateAsync;
  useEffect(() => {
    if (campaignId === undefined || readOnly || !dirty) return;
    setUnsavedEdits({ campaignId, save: () => saveAsync() });
    return () => setUnsavedEdits(null);
  }, [campaignId, readOnly, dirty, saveAsync]);

  // Previews and the SMS counter use a real contact of the audience; for a saved SMS, the server's own sample.
  const smsPreview = useQuery({
    queryKey: ['sms-preview', campaign?.id, campaign?.updatedAt],
    queryFn: () => get<SmsPreviewResult>(`/api/campaigns/${campaign!.id}/sms-preview`),
    enabled: channel === 'sms' && !!campaign && (campaign.listIds.length > 0 || snapshot),
  });
  const sample = useSampleContact(channel, draft.listIds, smsPreview.data?.sample.contactId);
  const audienceCount = useAudienceCount(draft.listIds, channel);
  const abSection = (
    <AbSection
      channel={channel}
      value={draft.abTest ?? null}
      onChange={(abTest) => set({ abTest })}
      readOnly={readOnly}
      audience={snapshot ? smsPreview.data?.audience : audienceCount.data?.reachable}
      base={{ html: draft.html, sms: channel === 'sms' ? { body: draft.body ?? '', publicUrl, stopText, contact: sample.contact } : undefined }}
    />
  );
  const leaveGuard = <LeaveGuard when={dirty && !readOnly} />;
  const previewTitle = `Preview (merged with ${sample.real ? sample.name : 'a sample contact'})`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  const pick = (choice: TemplateChoice) => {
    set(chosenContent(choice));
    setPicked(true);
    setChoosing(false);
    setSwitching(null);
  };
  /** What Save as template copies: the saved campaign (saved first when edited), or this unsaved content. */
  const templateSource = async (): Promise<TemplateSource> => {
    if (campaign) {
      if (dirty && !readOnly) await save.mutateAsync();
      return { campaignId: campaign.id };
    }
    return draft.design ? { design: draft.design } : { html: draft.html ?? '' };
  };

  const saveButtons = !readOnly && (
    <Group>
      <Button type="submit" loading={save.isPending}>
        {campaign ? 'Save draft' : 'Create draft'}
      </Button>
      {saved && (
        <Text size="sm" c="green" role="status">
          Saved
        </Text>
      )}
      {!saved && dirty && campaign && (
        <Text size="sm" c="dimmed">
          Unsaved changes
        </Text>
      )}
    </Group>
  );
  const audience = snapshot ? (
    <div>
      <Text size="sm" fw={500}>
        Recipients
      </Text>
      <Text size="sm" c="dimmed">
        The {campaign.audienceLabel ?? 'selected'} recipients of the original campaign, frozen when this relaunch was created.
      </Text>
    </div>
  ) : (
    <AudiencePicker value={draft.listIds} onChange={(listIds) => set({ listIds })} disabled={readOnly} channel={channel} />
  );

  if (channel === 'sms') {
    return (
      <form onSubmit={submit} aria-label="SMS campaign">
        <Stack>
          <ErrorAlert error={save.error} />
          <Grid>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Stack>
                <TextInput label="Campaign name" required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} readOnly={readOnly} />
                <TextInput label="Sender ID" description="Up to 11 letters or a phone number" value={draft.senderId ?? ''} onChange={(e) => set({ senderId: e.currentTarget.value })} readOnly={readOnly} />
                <Stack gap={4}>
                  <Group justify="space-between">
                    <Text size="sm" fw={500} component="label" htmlFor="campaign-body">
                      Message
                    </Text>
                    {!readOnly && <MergeTags sms onInsert={(tag) => set({ body: insertAtCursor(bodyRef.current, draft.body ?? '', tag) })} />}
                  </Group>
                  <Textarea id="campaign-body" ref={bodyRef} value={draft.body ?? ''} onChange={(e) => set({ body: e.currentTarget.value })} autosize minRows={5} readOnly={readOnly} />
                  <SmsCounter text={draft.body ?? ''} publicUrl={publicUrl} stopText={stopText} contact={sample.contact} contactName={sample.real ? sample.name : undefined} />
                </Stack>
                {audience}
                {abSection}
                {saveButtons}
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Card withBorder padding="sm">
                <Text size="sm" fw={600} mb="xs">
                  {previewTitle}
                </Text>
                <SmsPreview body={draft.body ?? ''} senderId={draft.senderId} contact={sample.contact} />
              </Card>
            </Grid.Col>
          </Grid>
        </Stack>
        {leaveGuard}
      </form>
    );
  }

  const htmlEditor = (
    <Grid>
      <Grid.Col span={{ base: 12, lg: 6 }}>
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
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Card withBorder padding="sm">
          <Text size="sm" fw={600} mb="xs">
            {previewTitle}
          </Text>
          <EmailPreview html={draft.html ?? ''} contact={sample.contact} />
        </Card>
      </Grid.Col>
    </Grid>
  );

  return (
    <form onSubmit={submit} aria-label="Email campaign">
      <Stack>
        <ErrorAlert error={save.error} />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" verticalSpacing="sm">
          <Stack gap="sm">
            <TextInput label="Campaign name" required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} readOnly={readOnly} />
            <TextInput label="Subject" required value={draft.subject ?? ''} onChange={(e) => set({ subject: e.currentTarget.value })} readOnly={readOnly} />
            <TextInput label="Preheader" description="The line shown after the subject in most inboxes" value={draft.preheader ?? ''} onChange={(e) => set({ preheader: e.currentTarget.value })} readOnly={readOnly} />
          </Stack>
          <Stack gap="sm">
            <Group grow>
              <TextInput label="Sender name" value={draft.fromName ?? ''} onChange={(e) => set({ fromName: e.currentTarget.value })} readOnly={readOnly} />
              <TextInput label="Sender email" type="email" required value={draft.fromEmail ?? ''} onChange={(e) => set({ fromEmail: e.currentTarget.value })} readOnly={readOnly} />
            </Group>
            {audience}
          </Stack>
        </SimpleGrid>

        {choosing ? (
          <Card withBorder>
            <Stack>
              <TemplatePicker onPick={pick} />
              {picked && (
                <Group>
                  <Button variant="default" onClick={() => setChoosing(false)}>
                    Keep the current content
                  </Button>
                  <Text size="sm" c="dimmed">
                    Picking another one replaces what you have written.
                  </Text>
                </Group>
              )}
            </Stack>
          </Card>
        ) : (
          <Stack gap="sm">
            <Group justify="space-between" wrap="wrap" gap="sm">
              <Group gap="sm">
                <Title order={3} size="h4">
                  Content
                </Title>
                <SegmentedControl
                  aria-label="Email editor"
                  value={designed ? 'design' : 'html'}
                  onChange={(mode) => setSwitching(mode === 'html' ? 'html' : 'design')}
                  disabled={readOnly}
                  data={[
                    { value: 'design', label: 'Designer' },
                    { value: 'html', label: 'HTML' },
                  ]}
                />
              </Group>
              <Group gap="xs">
                {!campaign && !readOnly && (
                  <Button variant="subtle" onClick={() => setChoosing(true)}>
                    Back to templates
                  </Button>
                )}
                {mayEdit && <SaveAsTemplate defaultName={draft.name} prepare={templateSource} disabled={save.isPending} />}
              </Group>
            </Group>
            {designed ? (
              <Suspense fallback={<Loading label="Loading the designer" />}>
                <Designer value={draft.design!} onChange={(design) => set({ design })} readOnly={readOnly} />
              </Suspense>
            ) : (
              htmlEditor
            )}
          </Stack>
        )}
        {abSection}
        {saveButtons && (
          <Box pos="sticky" bottom={0} py="sm" bg="var(--mantine-color-body)" style={{ zIndex: 2, borderTop: '1px solid var(--mantine-color-gray-3)' }}>
            {saveButtons}
          </Box>
        )}
      </Stack>
      {draft.design && <SwitchToHtml design={draft.design} opened={switching === 'html'} onClose={() => setSwitching(null)} onSwitched={(html) => {
            set({ design: null, html });
            setSwitching(null);
          }}
        />}
      <SwitchToDesigner opened={switching === 'design'} onClose={() => setSwitching(null)} onPick={pick} />
      {leaveGuard}
    </form>
  );
}
