import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/common';
import { CampaignEditor } from './CampaignEditor';

export function NewCampaignPage() {
  const [params] = useSearchParams();
  const channel = params.get('channel') === 'sms' ? 'sms' : 'email';
  return (
    <>
      <PageHeader title={channel === 'email' ? 'New email campaign' : 'New SMS campaign'} />
      <CampaignEditor key={channel} channel={channel} />
    </>
  );
}
