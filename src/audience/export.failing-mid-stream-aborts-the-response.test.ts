import { beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { describeEachDatabase } from '../../test/support/databases.js';
import { EXPORT_COLUMNS } from './export.js';
import { addCampaign } from '../../test/support/audienceScenario.js';

/**
 * An export that fails once rows have been sent must not end like a complete
 * file: the client has to see an error, not a truncated CSV.
 */
describeEachDatabase('an export failing mid-stream', (kind) => {
  const t = useTestApp(kind);
  let campaignId: number;
  beforeAll(async () => {
    campaignId = (await addCampaign(t.ctx, { name: 'Broken' })).id;
    const now = t.ctx.now();
    // 2,500 recipients: the export's first page (2,000 rows) is sent before the second is read.
    for (let i = 0; i < 2500; i += 500) {
      const contacts = Array.from({ length: 500 }, (_, j) => ({ workspace_id: t.ctx.workspaceId, email: `r${i + j}@ricochet.test`, fields: t.ctx.store.dialect.writeJson({}), created_at: now, updated_at: now }));
      const ids = await t.ctx.store.db.insertInto('contacts').values(contacts).returning('id').execute();
      await t.ctx.store.db.insertInto('messages').values(ids.map(({ id }) => ({ campaign_id: campaignId, contact_id: id, status: 'delivered' as const }))).execute();
    }
  });

  it('aborts the response, so that reading the body fails', async () => {
    // The last recipient's first open lies beyond what a date can hold: its row cannot be written.
    const last = await t.ctx.store.db.selectFrom('messages').select('id').where('campaign_id', '=', campaignId).orderBy('contact_id', 'desc').limit(1).executeTakeFirstOrThrow();
    await t.ctx.store.db.updateTable('messages').set({ opens: 1, first_open_at: 9e15, last_open_at: 9e15 }).where('id', '=', last.id).execute();

    const response = await fetch(`${t.baseUrl}/api/campaigns/${campaignId}/recipients/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let received = '';
    const readAll = async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received += decoder.decode(value, { stream: true });
      }
    };
    await expect(readAll()).rejects.toThrow();
    // The file had begun: the error comes after its first bytes, not instead of them.
    expect(received.startsWith(`\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`)).toBe(true);
  });
});
