import { Alert, Anchor, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, download, request } from '../api';
import { ErrorAlert } from '../components/common';
import { formatNumber, fromLocalInput } from '../format';
import { useCan } from '../session';
import type { Campaign, CreateListResult, RelaunchResult } from '../types';
import { audienceLabel, relaunchName, type Audience } from './audience';

const recipients = (count: number | undefined) => (count === 1 ? 'recipient' : 'recipients');

/** The Actions button of SPEC §8: Create a list, Export CSV, Relaunch — each on exactly the active view, each offered only to a role that may use it. */
export function ActionsMenu({ campaign, audience, count, disabled }: { campaign: Campaign; audience: Audience; count: number | undefined; disabled?: boolean }) {
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
      <CreateListDialog opened={dialog === 'list'} onClose={() => setDialog(undefined)} campaign={campaign} audience={audience} count={count} />
      {dialog === 'relaunch' && <RelaunchDialog onClose={() => setDialog(undefined)} campaign={campaign} audience={audience} count={count} maySchedule={can('send')} />}
    </>
  );
}

function CreateListDialog({ opened, onClose, campaign, audience, count }: { opened: boolean; onClose: () => void; campaign: Campaign; audience: Audience; count: number | undefined }) {
  const client = useQueryClient();
  const [name, setName] = useState(`${campaign.name} - ${audienceLabel(audience)}`);
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
function RelaunchDialog({ onClose, campaign, audience, count, maySchedule }: { onClose: () => void; campaign: Campaign; audience: Audience; count: number | undefined; maySchedule: boolean }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [subject, setSubject] = useState(campaign.subject ?? '');
  const [sendAt, setSendAt] = useState('');
  const name = relaunchName(campaign.name, campaign.sentAt, audience);
  const relaunch = useMutation({
    mutationFn: () =>
      api<RelaunchResult>('POST', `/api/campaigns/${campaign.id}/actions/relaunch`, {
        ...audience,
        ...(sendAt && { sendAt: fromLocalInput(sendAt) }),
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
            Aimed at exactly the <b>{formatNumber(count)}</b> {recipients(count)} you see now ({audienceLabel(audience)}). It is created as a draft you can still edit.
          </Text>
          <ErrorAlert error={relaunch.error} />
          {campaign.channel === 'email' && <TextInput label="Subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />}
          {maySchedule && (
            <TextInput label="Schedule for (optional)" description="Leave empty to keep the copy as a draft" type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.currentTarget.value)} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={relaunch.isPending} disabled={count === 0}>
              Create the relaunch
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
