import { AppShell, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useCan, useSignOut } from '../session';
import type { Right, Session } from '../types';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

const SECTIONS: { to: string; label: string; needs?: Right }[] = [
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/contacts', label: 'Contacts' },
  { to: '/lists', label: 'Lists' },
  { to: '/forms', label: 'Forms' },
  { to: '/imports/new', label: 'Import contacts', needs: 'edit' },
  { to: '/outbox', label: 'Outbox' },
];

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const { pathname } = useLocation();
  const signOut = useSignOut();
  const can = useCan();
  // On a phone the sections fold behind a menu button instead of covering the page.
  const [menuOpened, menu] = useDisclosure(false);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !menuOpened } }} padding={{ base: 'sm', sm: 'lg' }}>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'sm', sm: 'lg' }} justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={menuOpened} onClick={menu.toggle} hiddenFrom="sm" size="sm" aria-label="Sections" aria-expanded={menuOpened} aria-controls="main-navigation" />
            <Title order={1} size="h3" c="blue.7" visibleFrom="xs">
              Ricochet
            </Title>
            <WorkspaceSwitcher session={session} />
          </Group>
          <Group gap="sm" wrap="nowrap">
            {/* Everyone sees the sending domains; the other settings only managers. */}
            {session.workspace && (
              <Button component={Link} to="/settings" visibleFrom="sm" variant={pathname.startsWith('/settings') ? 'light' : 'subtle'} size="xs" aria-current={pathname.startsWith('/settings') ? 'page' : undefined}>
                Settings
              </Button>
            )}
            <Text size="sm" c="dimmed" visibleFrom="md">
              {session.user.email}
            </Text>
            <Button variant="subtle" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main" id="main-navigation">
        {SECTIONS.filter((section) => !section.needs || can(section.needs)).map((section) => (
          <NavLink
            key={section.to}
            component={Link}
            to={section.to}
            onClick={menu.close}
            label={section.label}
            active={pathname === section.to || pathname.startsWith(section.to + '/')}
            aria-current={pathname.startsWith(section.to) ? 'page' : undefined}
          />
        ))}
        {/* A phone's header has no room for Settings: it is with the sections there. */}
        {session.workspace && (
          <NavLink
            component={Link}
            to="/settings"
            onClick={menu.close}
            label="Settings"
            hiddenFrom="sm"
            active={pathname.startsWith('/settings')}
            aria-current={pathname.startsWith('/settings') ? 'page' : undefined}
          />
        )}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
