import { Badge, Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { useSwitchWorkspace } from '../session';
import type { Session, Workspace } from '../types';
import { ErrorAlert } from './common';
import { roleLabel } from './roles';

/** The header's workspace menu: the current one's name, the others to switch to, and "New workspace". */
export function WorkspaceSwitcher({ session }: { session: Session }) {
  const switchTo = useSwitchWorkspace();
  const [creating, setCreating] = useState(false);
  const current = session.workspace;
  const others = session.workspaces.filter((w) => w.id !== current?.id);
  return (
    <>
      <Menu shadow="md" position="bottom-start" width={260}>
        <Menu.Target>
          <Button variant="default" size="xs" rightSection="▾">
            <span className="sr-only">Workspace: </span>
            {current?.name ?? 'No workspace'}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {current && (
            <Menu.Label>
              <Group justify="space-between" wrap="nowrap">
                {current.name}
                <Badge size="xs" variant="light">
                  {roleLabel(current.role)}
                </Badge>
              </Group>
            </Menu.Label>
          )}
          {others.length > 0 && <Menu.Label>Switch to</Menu.Label>}
          {others.map((workspace) => (
            <Menu.Item
              key={workspace.id}
              onClick={() => void switchTo(workspace.id)}
              rightSection={
                <Badge size="xs" variant="light" color="gray">
                  {roleLabel(workspace.role)}
                </Badge>
              }
            >
              {workspace.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setCreating(true)}>New workspace</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {creating && <NewWorkspaceDialog onClose={() => setCreating(false)} onCreated={(w) => void switchTo(w.id)} />}
    </>
  );
}

function NewWorkspaceDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (workspace: Workspace) => void }) {
  return (
    <Modal opened onClose={onClose} title="New workspace">
      <NewWorkspaceForm
        onCancel={onClose}
        onCreated={(workspace) => {
          onClose();
          onCreated(workspace);
        }}
      />
    </Modal>
  );
}

/** Creates a workspace (the user becomes its owner). */
export function NewWorkspaceForm({ onCreated, onCancel }: { onCreated: (workspace: Workspace) => void; onCancel?: () => void }) {
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api<Workspace>('POST', '/api/workspaces', { name }),
    onSuccess: onCreated,
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack>
        <ErrorAlert error={create.error} />
        <TextInput label="Workspace name" description="A brand, a client or a team: its contacts, campaigns and members are its own." required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={create.isPending}>
            Create the workspace
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
