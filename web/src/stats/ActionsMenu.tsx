import { Alert, Anchor, Button, Checkbox, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, download, get, query, request } from '../api';
import { ErrorAlert } from '../components/common';
import { formatNumber, fromLocalInput } from '../format';
import { useCan } from '../session';
import type { WordsContext } from '../filters/model';
import type { Campaign, CreateListResult, GuardResult, RelaunchResult } from '../types';
import { audienceLabel, describeAudience, listNameFor, relaunchName, type Audience } from './audience';

const recipients = (count: number | undefined) => (count === 1 ? 'recipient' : 'recipients');

/** The Actions button of SPEC §8: Create a list, Export CSV, Relaunch — each on exactly the active view, each offered only to a role that may use it. */
export function ActionsMenu({
  campaign,
  audience,
  count,
  disabled,
  words = {},
}: {
  campaign: Campaign;
  audience: Audience;
  count: number | undefined;
  disabled?: boolean;
  /** Names of links, lists and campaigns, to put the view in words. */
  words?: WordsContext;
}) {
  const can = useCan();
  const [dialog, setDialog] = useState<'list' | 'relaunch'>();
  const exportCsv = useMutation({
    mutationFn: async () => download(await request('POST', `/api/campaigns/${campaign.id}/recipients/export`, audience), `campaign-${campaign.id}-${audienceLabel(audience).replace(' ', '-')}.csv`),
  });
  if (!can('edit') && !can('export')) return null;
  return (
    <>
      <Menu shadow="md" position="bottom-end">
        <Menu.Target>
          <Button disabled={disabled} rightSection="▾">
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            On the {formatNumber(count)} {recipients(count)} of the active view
          </Menu.Label>
          {can('edit') && <Menu.Item onClick={() => setDialog('list')}>Create a list</Menu.Item>}
          {can('export') && <Menu.Item onClick={() => exportCsv.mutate()}>Export CSV</Menu.Item>}
          {can('edit') && <Menu.Item onClick={() => setDialog('relaunch')}>Relaunch</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      {exportCsv.error && <ErrorAlert error={exportCsv.error} />}
      <CreateListDialog opened={dialog === 'list'} onClose={() => setDialog(undefined)} campaign={campaign} audience={audience} count={count} words={words} />
      {dialog === 'relaunch' && <RelaunchDialog onClose={() => setDialog(undefined)} campaign={campaign} audience={audience} count={count} maySchedule={can('send')} words={words} />}
    </>
  );
}

function CreateListDialog({
  opened,
  onClose,
  campaign,
  audience,
  count,
  words,
}: {
  opened: boolean;
  onClose: () => void;
  campaign: Campaign;
  audience: Audience;
  count: number | undefined;
  words: WordsContext;
}) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  // Each opening proposes a name from the view as it is now, never the one of an earlier opening.
  const [wasOpened, setWasOpened] = useState(false);
  if (opened !== wasOpened) {
    setWasOpened(opened);
    if (opened) setName(listNameFor(campaign.name, audience, words));
  }
  const create = useMutation({
    mutationFn: () => api<CreateListResult>('POST', `/api/campaigns/${campaign.id}/actions/create-list`, { ...audience, name }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['lists'] }),
  });
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Create a list from the active view">
      {create.data ? (
        <Stack>
          <Alert color="green" role="status">
            The list “{create.data.list.name}” holds {formatNumber(create.data.count)} contacts.
          </Alert>
          <Group justify="flex-end">
            <Anchor component={Link} to={`/contacts?listId=${create.data.list.id}`}>
              See its contacts
            </Anchor>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <Text size="sm">
              {formatNumber(count)} {recipients(count)} will be in the new list.
            </Text>
            <ErrorAlert error={create.error} />
            <TextInput label="List name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create the list
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** Without the send right, a relaunch can only be a draft: no send date is offered. */
const LAST_N = 3;

function RelaunchDialog({
  onClose,
  campaign,
  audience,
  count,
  maySchedule,
  words,
}: {
  onClose: () => void;
  campaign: Campaign;
  audience: Audience;
  count: number | undefined;
  maySchedule: boolean;
  words: WordsContext;
}) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [subject, setSubject] = useState(campaign.subject ?? '');
  const [sendAt, setSendAt] = useState('');
  const [leaveOut, setLeaveOut] = useState(false);
  // The relaunch guard (SPEC §11): who in this view ignored each of their last campaigns.
  const guard = useQuery({
    queryKey: ['guard', campaign.id, audience],
    queryFn: () => get<GuardResult>(`/api/campaigns/${campaign.id}/guard` + query({ ...audience, lastN: LAST_N })),
  });
  const dormant = guard.data?.dormant ?? 0;
  const name = relaunchName(campaign.name, campaign.sentAt, audience);
  const relaunch = useMutation({
    mutationFn: () =>
      api<RelaunchResult>('POST', `/api/campaigns/${campaign.id}/actions/relaunch`, {
        ...audience,
        ...(sendAt && { sendAt: fromLocalInput(sendAt) }),
        ...(leaveOut && dormant > 0 && { excludeDormant: true, lastN: LAST_N }),
        ...(campaign.channel === 'email' && subject !== campaign.subject && { overrides: { subject } }),
      }),
    onSuccess: ({ campaign: created }) => {
      void client.invalidateQueries({ queryKey: ['/api/campaigns'] });
      void client.invalidateQueries({ queryKey: ['relaunches', campaign.id] });
      navigate(`/campaigns/${created.id}`);
    },
  });
  return (
    <Modal opened onClose={onClose} title="Relaunch this campaign" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          relaunch.mutate();
        }}
      >
        <Stack>
          <div>
            <Text size="sm" c="dimmed">
              New campaign
            </Text>
            <Text fw={600} data-testid="relaunch-name">
              {name}
            </Text>
          </div>
          <Text size="sm">
            Aimed at exactly the <b>{formatNumber(count)}</b> {recipients(count)} you see now: <span data-testid="relaunch-view">{describeAudience(audience, words)}</span>. It is created as a draft you can still edit.
          </Text>
          {guard.data && dormant > 0 && (
            <Alert color="orange" variant="light" role="status">
              <Stack gap={6}>
                <Text size="sm" data-testid="relaunch-guard">
                  {formatNumber(dormant)} of {formatNumber(guard.data.total)} have ignored their last {guard.data.lastN} campaigns.
                </Text>
                <Text size="xs" c="dimmed">
                  Mailing people who never open or click, campaign after campaign, is what mailbox providers hold against a sender.
                </Text>
                <Checkbox label="Leave them out" checked={leaveOut} onChange={(e) => setLeaveOut(e.currentTarget.checked)} />
              </Stack>
            </Alert>
          )}
          {guard.data && dormant === 0 && (
            <Text size="sm" c="dimmed" data-testid="relaunch-guard">
              Nobody here has ignored their last {guard.data.lastN} campaigns.
            </Text>
          )}
          <ErrorAlert error={relaunch.error} />
          {campaign.channel === 'email' && <TextInput label="Subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />}
          {maySchedule && (
            <TextInput label="Schedule for (optional)" description="Leave empty to keep the copy as a draft" type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.currentTarget.value)} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={relaunch.isPending} disabled={count === 0 || (leaveOut && count === dormant)}>
              Create the relaunch
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
