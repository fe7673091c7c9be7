import { Tabs } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { PageHeader } from '../components/common';
import { useCan, useSession } from '../session';
import type { Right } from '../types';
import { ActivityTab } from './ActivityTab';
import { ApiKeysTab } from './ApiKeysTab';
import { DomainsTab } from './DomainsTab';
import { GeneralTab } from './GeneralTab';
import { MembersTab } from './MembersTab';

const TABS: { value: string; label: string; needs: Right; panel: () => ReactNode }[] = [
  { value: 'members', label: 'Members', needs: 'manage', panel: () => <MembersTab /> },
  { value: 'api-keys', label: 'API keys', needs: 'manage', panel: () => <ApiKeysTab /> },
  // Editors pick From addresses among the domains, so everyone reads them; only managers change them.
  { value: 'domains', label: 'Sending domains', needs: 'read', panel: () => <DomainsTab /> },
  { value: 'activity', label: 'Activity', needs: 'manage', panel: () => <ActivityTab /> },
  { value: 'general', label: 'General', needs: 'manage', panel: () => <GeneralTab /> },
];

/** The workspace's settings, one tab per address (/settings/members…), showing only what the role may see. */
export function SettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const can = useCan();
  const workspace = useSession()?.workspace;
  const tabs = TABS.filter((t) => can(t.needs));
  const active = tabs.find((t) => t.value === tab);
  if (!active) return <Navigate to={`/settings/${tabs[0]?.value ?? 'domains'}`} replace />;
  return (
    <>
      <PageHeader title="Settings" subtitle={workspace && `Workspace ${workspace.name}`} />
      <Tabs value={active.value} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List mb="md">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.panel()}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
