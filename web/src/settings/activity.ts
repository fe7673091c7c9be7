import type { AuditEntry } from '../types';

/** Each recorded action in plain words (SPEC §9's list and the workspace's own); an unknown one shows as recorded. */
export const ACTION_WORDS: Record<string, string> = {
  'campaign.send': 'Sent campaign',
  'campaign.schedule': 'Scheduled campaign',
  'campaign.pause': 'Paused campaign',
  'campaign.resume': 'Resumed campaign',
  'campaign.cancel': 'Cancelled campaign',
  'campaign.relaunch': 'Relaunched campaign',
  'campaign.ab_winner': 'Chose the A/B test winner of campaign',
  'autoRelaunch.create': 'Planned an auto-relaunch of campaign',
  'autoRelaunch.cancel': 'Cancelled an auto-relaunch of campaign',
  'recipients.export': 'Exported the recipients of campaign',
  'list.createFromView': 'Created a list from a view',
  'import.start': 'Started an import',
  'contact.erase': 'Erased a contact',
  'apikey.create': 'Created an API key',
  'apikey.revoke': 'Revoked an API key',
  'member.invite': 'Invited a member',
  'member.join': 'Joined the workspace',
  'member.role': "Changed a member's role",
  'member.remove': 'Removed a member',
  'invitation.revoke': 'Revoked an invitation',
  'domain.add': 'Added a sending domain',
  'domain.remove': 'Removed a sending domain',
  'workspace.create': 'Created the workspace',
  'workspace.rename': 'Renamed the workspace',
  'template.create': 'Saved a template',
  'template.update': 'Changed a template',
  'template.delete': 'Deleted a template',
  'form.create': 'Created a sign-up form',
  'form.update': 'Changed a sign-up form',
  'form.delete': 'Deleted a sign-up form',
  'campaign.duplicate': 'Duplicated a campaign as',
  'campaign.archive': 'Archived campaign',
  'campaign.unarchive': 'Took campaign out of the archive',
  'contact.unsubscribe': 'Unsubscribed contacts',
  'list.addContacts': 'Added contacts to a list',
  'list.removeContacts': 'Removed contacts from a list',
};

export const actionWords = (action: string) => ACTION_WORDS[action] ?? action;

const ACTOR_KINDS: Record<string, string> = { user: 'user', apikey: 'API key', system: 'Ricochet' };
export const actorKind = (type: string) => ACTOR_KINDS[type] ?? type;

/** The campaign an entry is about, to link to it: its object, or the campaign named in its details (an export, a new list). */
export function campaignOf(entry: AuditEntry): number | undefined {
  if (entry.objectType === 'campaign' && typeof entry.objectId === 'number') return entry.objectId;
  const id = entry.details.campaignId;
  return typeof id === 'number' ? id : undefined;
}

const DETAIL_LABELS: Record<string, string> = {
  at: 'for',
  sendAt: 'scheduled for',
  count: 'recipients',
  parentCampaignId: 'from campaign',
  listId: 'list',
  from: 'from',
  to: 'to',
  role: 'role',
  email: 'email',
  name: 'name',
  segment: 'segment',
  filter: 'filter',
  domain: 'domain',
};

/** The details that matter, as short "label: value" parts (a filter as compact JSON). */
export function detailParts(entry: AuditEntry): string[] {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(entry.details)) {
    if (value === null || value === undefined || value === '' || key === 'campaignId') continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    parts.push(`${DETAIL_LABELS[key] ?? key}: ${text}`);
  }
  return parts;
}
