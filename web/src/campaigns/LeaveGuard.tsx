import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useContext, useEffect } from 'react';
import { UNSAFE_DataRouterContext, useBlocker } from 'react-router';

/** Asks before the app navigates away from unsaved edits (needs the data router the app runs in). */
function BlockNavigation({ when, message }: { when: boolean; message: string }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && currentLocation.pathname !== nextLocation.pathname);
  return (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?">
      <Stack>
        <Text size="sm">{message}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
            Stay on this page
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            Leave and lose the edits
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * While `when` holds, leaving asks first: a link or Back inside the app opens a dialog, closing
 * the tab or reloading gets the browser's own question (beforeunload).
 */
export function LeaveGuard({ when, message = 'Your edits are not saved yet.' }: { when: boolean; message?: string }) {
  const inDataRouter = useContext(UNSAFE_DataRouterContext) !== null;
  useEffect(() => {
    if (!when) return;
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [when]);
  return inDataRouter ? <BlockNavigation when={when} message={message} /> : null;
}
