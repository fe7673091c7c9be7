import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../types';
import { ACTION_WORDS, actionWords, campaignOf, detailParts } from './activity';

/** The actions the server records: its AuditAction union, read from the source so that a new one needs its words here. */
function recordedActions(): string[] {
  const source = readFileSync(fileURLToPath(new URL('../../../src/audit/audit.ts', import.meta.url)), 'utf8');
  const union = /export type AuditAction =([^;]+);/.exec(source)![1]!;
  return [...union.matchAll(/'([a-zA-Z]+\.[a-zA-Z]+)'/g)].map((m) => m[1]!);
}

const entry = (patch: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: '2025-04-01T10:00:00.000Z',
  actor: { type: 'user', id: 1, name: 'owner@example.test' },
  action: 'campaign.send',
  objectType: 'campaign',
  objectId: 12,
  details: {},
  ...patch,
});

describe('the Activity tab', () => {
  it('has plain words for every action the server records, SPEC §9 list included', () => {
    const actions = recordedActions();
    for (const required of ['campaign.send', 'campaign.schedule', 'campaign.cancel', 'campaign.relaunch', 'recipients.export', 'list.createFromView', 'import.start', 'contact.erase', 'apikey.create', 'apikey.revoke', 'member.invite', 'member.role', 'member.remove']) {
      expect(actions).toContain(required);
    }
    expect(actions.filter((action) => !ACTION_WORDS[action])).toEqual([]);
    expect(actionWords('campaign.send')).toBe('Sent campaign');
    expect(actionWords('something.new')).toBe('something.new');
  });

  it('links an entry to its campaign, whether the campaign is its object or named in its details', () => {
    expect(campaignOf(entry({}))).toBe(12);
    expect(campaignOf(entry({ action: 'recipients.export', objectType: 'export', objectId: null, details: { campaignId: 7, count: 3 } }))).toBe(7);
    expect(campaignOf(entry({ action: 'member.invite', objectType: 'invitation', objectId: 4, details: { email: 'a@example.test', role: 'editor' } }))).toBeUndefined();
  });

  it('shows the details that matter as short parts, a filter as JSON, and leaves out empty ones', () => {
    const parts = detailParts(entry({ action: 'campaign.relaunch', details: { parentCampaignId: 3, segment: 'openers', filter: { match: 'all', conditions: [] }, count: 42, sendAt: null } }));
    expect(parts).toEqual(['from campaign: 3', 'segment: openers', 'filter: {"match":"all","conditions":[]}', 'recipients: 42']);
  });
});
