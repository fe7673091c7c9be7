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
import { AfterSignIn, LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OutboxPage } from './pages/OutboxPage';
import { useSession } from './session';

// The heavy pages (charts, tables, the template engine) load when first opened.
const CampaignPage = lazy(() => import('./campaigns/CampaignPage').then((m) => ({ default: m.CampaignPage })));
const NewCampaignPage = lazy(() => import('./campaigns/NewCampaignPage').then((m) => ({ default: m.NewCampaignPage })));
const StatsPage = lazy(() => import('./stats/StatsPage').then((m) => ({ default: m.StatsPage })));

export function App() {
  const session = useSession();
  const location = useLocation();
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
  return (
    <Layout session={session}>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Navigate to="/campaigns" replace />} />
          <Route path="/login" element={<AfterSignIn />} />
          <Route path="/campaigns" element={<CampaignsPage />} />
          <Route path="/campaigns/new" element={<NewCampaignPage />} />
          <Route path="/campaigns/:id" element={<CampaignPage />} />
          <Route path="/campaigns/:id/stats" element={<StatsPage />} />
          <Route path="/contacts" element={<ContactsPage />} />
          <Route path="/contacts/:id" element={<ContactPage />} />
          <Route path="/lists" element={<ListsPage />} />
          <Route path="/imports/new" element={<ImportPage />} />
          <Route path="/outbox" element={<OutboxPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
