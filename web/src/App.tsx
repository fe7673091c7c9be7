import { Center, Loader } from '@mantine/core';
import { Suspense, lazy } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { Loading } from './components/common';
import { CampaignsPage } from './campaigns/CampaignsPage';
import { ContactPage } from './contacts/ContactPage';
import { ContactsPage } from './contacts/ContactsPage';
import { ImportPage } from './contacts/ImportPage';
import { ListsPage } from './contacts/ListsPage';
import { InvitePage } from './pages/InvitePage';
import { AfterSignIn, LoginPage } from './pages/LoginPage';
import { NoWorkspacePage } from './pages/NoWorkspacePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OutboxPage } from './pages/OutboxPage';
import { useSession } from './session';

// The heavy pages (charts, tables, the template engine) load when first opened.
const CampaignPage = lazy(() => import('./campaigns/CampaignPage').then((m) => ({ default: m.CampaignPage })));
const NewCampaignPage = lazy(() => import('./campaigns/NewCampaignPage').then((m) => ({ default: m.NewCampaignPage })));
const StatsPage = lazy(() => import('./stats/StatsPage').then((m) => ({ default: m.StatsPage })));
const FormsPage = lazy(() => import('./forms/FormsPage').then((m) => ({ default: m.FormsPage })));
const NewFormPage = lazy(() => import('./forms/NewFormPage').then((m) => ({ default: m.NewFormPage })));
const FormPage = lazy(() => import('./forms/FormPage').then((m) => ({ default: m.FormPage })));
const SettingsPage = lazy(() => import('./settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const DashboardPage = lazy(() => import('./dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })));

export function App() {
  const session = useSession();
  const location = useLocation();
  // An invitation link opens without a session (the person may have no account yet).
  if (location.pathname.startsWith('/invite/')) {
    return (
      <Routes>
        <Route path="/invite/:token" element={<InvitePage />} />
      </Routes>
    );
  }
  if (session === undefined) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!session) {
    if (location.pathname === '/login') return <LoginPage />;
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (!session.workspace) {
    return (
      <Layout session={session}>
        <NoWorkspacePage />
      </Layout>
    );
  }
  return (
    <Layout session={session}>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Navigate to="/dashboard" replace />} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route path="/login" element={<AfterSignIn />} />
          <Route path="/campaigns" element={<CampaignsPage />} />
          <Route path="/campaigns/new" element={<NewCampaignPage />} />
          <Route path="/campaigns/:id" element={<CampaignPage />} />
          <Route path="/campaigns/:id/stats" element={<StatsPage />} />
          <Route path="/contacts" element={<ContactsPage />} />
          <Route path="/contacts/:id" element={<ContactPage />} />
          <Route path="/lists" element={<ListsPage />} />
          <Route path="/forms" element={<FormsPage />} />
          <Route path="/forms/new" element={<NewFormPage />} />
          <Route path="/forms/:id" element={<FormPage />} />
          <Route path="/imports/new" element={<ImportPage />} />
          <Route path="/outbox" element={<OutboxPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/settings/:tab" element={<SettingsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
