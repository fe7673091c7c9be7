import { useSearchParams } from 'react-router';
import { Alert } from '@mantine/core';
import { PageHeader } from '../components/common';
import { useCan, useSession } from '../session';
import { CampaignEditor } from './CampaignEditor';

export function NewCampaignPage() {
  const [params] = useSearchParams();
  const channel = params.get('channel') === 'sms' ? 'sms' : 'email';
  const can = useCan();
  const role = useSession()?.workspace?.role;
  if (!can('edit')) {
    return (
      <>
        <PageHeader title={channel === 'email' ? 'New email campaign' : 'New SMS campaign'} />
        <Alert color="gray">The {role} role reads campaigns but does not create them.</Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader title={channel === 'email' ? 'New email campaign' : 'New SMS campaign'} />
      <CampaignEditor key={channel} channel={channel} />
    </>
  );
}
