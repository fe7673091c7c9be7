import { AppShell, Button, Group, NavLink, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSignOut } from '../session';
import type { Session } from '../types';

const SECTIONS = [
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/contacts', label: 'Contacts' },
  { to: '/lists', label: 'Lists' },
  { to: '/imports/new', label: 'Import contacts' },
  { to: '/outbox', label: 'Outbox' },
];

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const { pathname } = useLocation();
  const signOut = useSignOut();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 'sm' }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between">
          <Title order={1} size="h3" c="blue.7">
            Ricochet
          </Title>
          <Group gap="sm">
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
        {SECTIONS.map((section) => (
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
