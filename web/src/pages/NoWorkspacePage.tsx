import { Card, Text } from '@mantine/core';
import { PageHeader } from '../components/common';
import { NewWorkspaceForm } from '../components/WorkspaceSwitcher';
import { useSwitchWorkspace } from '../session';

/** A user whose last membership was removed: an invitation brings them back, or they start their own workspace. */
export function NoWorkspacePage() {
  const switchTo = useSwitchWorkspace();
  return (
    <>
      <PageHeader title="No workspace" subtitle="You are not a member of any workspace. Ask an owner or an admin to invite you, or start your own." />
      <Card withBorder maw={520}>
        <Text fw={600} mb="sm">
          Start a workspace
        </Text>
        <NewWorkspaceForm onCreated={(workspace) => void switchTo(workspace.id)} />
      </Card>
    </>
  );
}
