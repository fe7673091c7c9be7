import { AppShell, Button, Group, NavLink, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useCan, useSignOut } from '../session';
import type { Right, Session } from '../types';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

const SECTIONS: { to: string; label: string; needs?: Right }[] = [
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/contacts', label: 'Contacts' },
  { to: '/lists', label: 'Lists' },
  { to: '/imports/new', label: 'Import contacts', needs: 'edit' },
  { to: '/outbox', label: 'Outbox' },
];

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const { pathname } = useLocation();
  const signOut = useSignOut();
  const can = useCan();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 'sm' }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between">
          <Group gap="md">
            <Title order={1} size="h3" c="blue.7">
              Ricochet
            </Title>
            <WorkspaceSwitcher session={session} />
          </Group>
          <Group gap="sm">
            {/* Everyone sees the sending domains; the other settings only managers. */}
            {session.workspace && (
              <Button component={Link} to="/settings" variant={pathname.startsWith('/settings') ? 'light' : 'subtle'} size="xs" aria-current={pathname.startsWith('/settings') ? 'page' : undefined}>
                Settings
              </Button>
            )}
            <Text size="sm" c="dimmed">
              {session.user.email}
            </Text>
            <Button variant="subtle" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {SECTIONS.filter((section) => !section.needs || can(section.needs)).map((section) => (
          <NavLink
            key={section.to}
            component={Link}
            to={section.to}
            label={section.label}
            active={pathname === section.to || pathname.startsWith(section.to + '/')}
            aria-current={pathname.startsWith(section.to) ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
