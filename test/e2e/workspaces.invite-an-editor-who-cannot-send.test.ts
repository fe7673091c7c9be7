import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { startScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { ensureWebBuild } from '../../web/build.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startDnsServer, type DnsServer } from '../support/dnsServer.js';
import { describeInBrowser, openBrowser, type Browser } from './browser.js';

/**
 * Issue 12's journey in a real browser: an owner names the workspace and invites an
 * editor from Settings → Members; the editor opens the link from the email (taken from
 * the outbox), sets a password, lands signed in, builds a campaign and finds no Send
 * button; the owner opens that campaign and sends it.
 */
describeInBrowser('Inviting an editor who prepares a campaign the owner sends, in Chromium', () => {
  // One database: the journey tests the app; the invitation and role rules are proven on both by the server suites.
  describe('the invitation journey', () => {
    const kind = 'sqlite';
    let t: TestApp;
    let dns: DnsServer;
    let sender: Scheduler;
    let owner: Browser;
    let editor: Browser;
    let ownerPage: Page;
    let editorPage: Page;
    let inviteToken: string;
    let campaignId: number;
    const shot = (browser: Browser, name: string) => browser.screenshot(`workspaces-${kind}-${name}`);

    beforeAll(async () => {
      await ensureWebBuild({ quiet: true });
      dns = await startDnsServer();
      t = await startTestApp(kind, { DNS_SERVERS: dns.address });
      // The invitation link points at this very server, whose port is known only now.
      t.ctx.config.publicUrl = t.baseUrl;
      sender = startScheduler(t.ctx, { idleMs: 20 });
      const list = (await t.api('POST', '/api/lists', { name: 'Newsletter' })).body;
      for (const email of ['ada@example.test', 'grace@example.test']) {
        const contact = (await t.api('POST', '/api/contacts', { email, listIds: [list.id] })).body;
        if (!contact.id) throw new Error(`The contact ${email} was not created: ${JSON.stringify(contact)}`);
      }
      expect((await t.api('GET', `/api/lists/${list.id}`)).body.size).toBe(2);
      owner = await openBrowser();
      ownerPage = owner.page;
      ownerPage.setDefaultTimeout(15_000);
      // The owner's confirmations (Send now, revoking a key) are accepted however many come.
      ownerPage.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
    });
    afterAll(async () => {
      await editor?.close();
      await owner?.close();
      await sender?.stop();
      await t?.close();
      await dns?.close();
    });

    it('signs the owner in and names the workspace in Settings → General', async () => {
      const { password } = await createUser(t.ctx.store, 'owner@example.test', Date.now());
      await ownerPage.goto(`${t.baseUrl}/login`);
      await ownerPage.getByLabel('Email').fill('owner@example.test');
      await ownerPage.getByLabel('Password').fill(password);
      await ownerPage.getByRole('button', { name: 'Sign in' }).click();
      await ownerPage.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await ownerPage.getByRole('button', { name: /Workspace: My workspace/ }).waitFor();

      await ownerPage.getByRole('link', { name: 'Settings' }).click();
      await ownerPage.getByRole('heading', { name: 'Settings' }).waitFor();
      expect(await ownerPage.getByRole('tab').allTextContents()).toEqual(['Members', 'API keys', 'Sending domains', 'Activity', 'General']);
      await ownerPage.getByRole('tab', { name: 'General' }).click();
      await ownerPage.getByLabel('Workspace name').fill('Spring Shop');
      await ownerPage.getByRole('button', { name: 'Rename' }).click();
      await ownerPage.getByRole('button', { name: /Workspace: Spring Shop/ }).waitFor();
      expect((await t.api('GET', '/api/workspaces')).body).toEqual([{ id: t.ctx.workspaceId, name: 'Spring Shop', role: 'admin' }]);
    });

    it('invites editor@example.test as Editor from Settings → Members', async () => {
      await ownerPage.getByRole('tab', { name: 'Members' }).click();
      const members = ownerPage.getByRole('table', { name: 'Members' });
      await members.getByRole('row').filter({ hasText: 'owner@example.test' }).waitFor();
      // The only owner cannot step down: the server's reason is shown and the role stays.
      await members.getByLabel('Role of owner@example.test').selectOption('admin');
      await ownerPage.getByRole('alert').filter({ hasText: 'The last owner of a workspace cannot be' }).waitFor();
      expect(await members.getByLabel('Role of owner@example.test').inputValue()).toBe('owner');
      const form = ownerPage.getByRole('form', { name: 'Invite a member' });
      await form.getByLabel('Email').fill('editor@example.test');
      await form.getByLabel('Role').selectOption('editor');
      await form.getByRole('button', { name: 'Send invitation' }).click();
      await form.getByRole('status').filter({ hasText: 'Invitation sent to editor@example.test' }).waitFor();
      const pending = ownerPage.getByRole('table', { name: 'Pending invitations' }).getByRole('row').filter({ hasText: 'editor@example.test' });
      await pending.filter({ hasText: 'Editor' }).filter({ hasText: 'owner@example.test' }).waitFor();
      await shot(owner, 'members-invited');
    });

    it('finds the invitation email in the outbox, with its link', async () => {
      const outbox = (await t.api('GET', '/api/outbox')).body as { items: { name: string; to: string; subject: string }[] };
      const entry = outbox.items.find((item) => item.to.includes('editor@example.test'));
      expect(entry, JSON.stringify(outbox)).toBeDefined();
      const message = (await t.api('GET', `/api/outbox/${encodeURIComponent(entry!.name)}?format=json`)).body as { text: string | null; html: string | null };
      const mail = `${message.text ?? ''}\n${message.html ?? ''}`;
      expect(mail).toContain(`${t.baseUrl}/invite/`);
      expect(mail).toContain('Spring Shop');
      inviteToken = /\/invite\/([^\s"'<>]+)/.exec(mail)![1]!;
    });

    it('lets the invitee set a password and lands them signed in, as an editor', async () => {
      editor = await openBrowser();
      editorPage = editor.page;
      editorPage.setDefaultTimeout(15_000);
      await editorPage.goto(`${t.baseUrl}/invite/${inviteToken}`);
      await editorPage.getByRole('heading', { name: 'Join Spring Shop' }).waitFor();
      expect(await editorPage.getByLabel('Email').inputValue()).toBe('editor@example.test');
      await editorPage.getByLabel('Password', { exact: true }).fill('short');
      await editorPage.getByLabel('Confirm password').fill('short');
      await editorPage.getByRole('button', { name: 'Create my account and join' }).click();
      await editorPage.getByRole('alert').filter({ hasText: 'at least 10 characters' }).waitFor();
      await shot(editor, 'invitation');

      await editorPage.getByLabel('Password', { exact: true }).fill('a long enough password');
      await editorPage.getByLabel('Confirm password').fill('a long enough password');
      await editorPage.getByRole('button', { name: 'Create my account and join' }).click();
      await editorPage.waitForURL(/\/campaigns$/);
      await editorPage.getByRole('heading', { name: 'Campaigns' }).waitFor();
      await editorPage.getByRole('button', { name: /Workspace: Spring Shop/ }).waitFor();
      await editorPage.getByText('editor@example.test').waitFor();
      const cookie = (await editor.context.cookies()).find((c) => c.name === 'ricochet_session');
      expect(cookie?.httpOnly).toBe(true);

      // The link is single use: opened again, it says so.
      const again = await editor.context.newPage();
      await again.goto(`${t.baseUrl}/invite/${inviteToken}`);
      await again.getByRole('heading', { name: 'This invitation is no longer valid' }).waitFor();
      await again.close();
    });

    it('shows the editor only what an editor may use: importing yes, Settings with nothing but the sending domains, read-only', async () => {
      const nav = editorPage.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Import contacts' }).waitFor();
      await editorPage.getByRole('link', { name: 'Settings' }).click();
      await editorPage.getByRole('tab', { name: 'Sending domains' }).waitFor();
      expect(await editorPage.getByRole('tab').allTextContents()).toEqual(['Sending domains']);
      expect(await editorPage.getByRole('button', { name: 'Add domain' }).count()).toBe(0);
    });

    it('lets the editor build a campaign, and offers no Send button on it', async () => {
      await editorPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
      await editorPage.getByRole('link', { name: 'New email campaign' }).click();
      await editorPage.getByLabel('Campaign name').fill('Spring sale');
      await editorPage.getByLabel('Subject').fill('Spring is here');
      await editorPage.getByLabel('Sender email').fill('news@shop.test');
      await editorPage.getByRole('textbox', { name: 'Recipients' }).click();
      await editorPage.getByRole('option', { name: /Newsletter/ }).click();
      await editorPage.getByText('2 recipients').waitFor();
      await editorPage.getByRole('button', { name: 'Create draft' }).click();
      await editorPage.waitForURL(/\/campaigns\/\d+$/);
      campaignId = Number(/\/campaigns\/(\d+)$/.exec(editorPage.url())![1]);
      await editorPage.getByRole('heading', { name: /Spring sale/ }).waitFor();
      await editorPage.getByText('The editor role prepares campaigns').waitFor();
      await editorPage.getByRole('button', { name: 'Send test' }).waitFor();
      expect(await editorPage.getByRole('button', { name: 'Send now' }).count()).toBe(0);
      expect(await editorPage.getByRole('button', { name: 'Schedule' }).count()).toBe(0);
      await editorPage.getByRole('button', { name: 'Save draft' }).waitFor();
      await shot(editor, 'campaign-without-send');
      expect((await t.api('GET', `/api/campaigns/${campaignId}`)).body).toMatchObject({ name: 'Spring sale', status: 'draft' });
    });

    it('lets the owner open that campaign and send it', async () => {
      await ownerPage.goto(`${t.baseUrl}/campaigns/${campaignId}`);
      await ownerPage.getByRole('heading', { name: /Spring sale/ }).waitFor();
      await ownerPage.getByRole('button', { name: 'Send now' }).click();
      // The sender shares two cores with the rest of the suite: the first batch may take a while.
      await ownerPage.getByText(/of 2 processed/).waitFor({ timeout: 30_000 });
      await expect.poll(async () => (await t.api('GET', `/api/campaigns/${campaignId}`)).body.status, { timeout: 15_000 }).toBe('sent');
      await ownerPage.getByText('2 of 2 processed').waitFor();
      await shot(owner, 'campaign-sent');
    });

    it("shows the owner the workspace's activity in plain words, newest first", async () => {
      await ownerPage.getByRole('link', { name: 'Settings' }).click();
      await ownerPage.getByRole('tab', { name: 'Activity' }).click();
      const rows = ownerPage.getByRole('table', { name: 'Activity' }).getByRole('row');
      const sent = rows.filter({ hasText: 'Sent campaign' });
      await sent.filter({ hasText: 'owner@example.test' }).waitFor();
      await sent.getByRole('link', { name: `#${campaignId}` }).waitFor();
      await rows.filter({ hasText: 'Joined the workspace' }).filter({ hasText: 'editor@example.test' }).waitFor();
      await rows.filter({ hasText: 'Invited a member' }).filter({ hasText: 'editor@example.test' }).waitFor();
      const order = (await rows.allTextContents()).slice(1).map((text) => /Sent campaign|Joined the workspace|Invited a member|Renamed the workspace/.exec(text)?.[0]).filter(Boolean);
      expect(order).toEqual(['Sent campaign', 'Joined the workspace', 'Invited a member', 'Renamed the workspace']);
      await shot(owner, 'activity');
    });
    it('creates an API key shown once, which works with its role until it is revoked', async () => {
      await ownerPage.getByRole('tab', { name: 'API keys' }).click();
      const form = ownerPage.getByRole('form', { name: 'Create an API key' });
      await form.getByLabel('Key name').fill('CRM sync');
      await form.getByLabel('Key role').selectOption('viewer');
      await form.getByRole('button', { name: 'Create key' }).click();
      const created = form.getByRole('status').filter({ hasText: 'it is not shown again' });
      await created.waitFor();
      const key = (await created.getByLabel('API key', { exact: true }).textContent())!.trim();
      await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
      await created.getByRole('button', { name: 'Copy api key' }).click();
      expect(await ownerPage.evaluate(() => navigator.clipboard.readText())).toBe(key);
      await shot(owner, 'api-key-created');
      const viewer = t.apiWith(key);
      expect((await viewer('GET', '/api/campaigns')).status).toBe(200);
      expect((await viewer('POST', '/api/lists', { name: 'Not mine to make' })).status).toBe(403);

      const row = ownerPage.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: 'CRM sync' });
      await row.filter({ hasText: 'Viewer' }).filter({ hasText: 'active' }).waitFor();
      await row.getByRole('button', { name: 'Revoke CRM sync' }).click();
      await row.filter({ hasText: 'revoked' }).waitFor();
      expect((await viewer('GET', '/api/campaigns')).status).toBe(401);
    });

    it('adds a sending domain, shows the records to publish and checks them in DNS', async () => {
      await ownerPage.getByRole('tab', { name: 'Sending domains' }).click();
      await ownerPage.getByRole('form', { name: 'Add a sending domain' }).getByLabel('Domain').fill('shop.test');
      await ownerPage.getByRole('button', { name: 'Add domain' }).click();
      const card = ownerPage.getByRole('region', { name: 'shop.test' });
      await card.getByText('not verified').waitFor();
      const dkimName = (await card.getByLabel('DKIM name', { exact: true }).textContent())!.trim();
      const dkimValue = (await card.getByLabel('DKIM value', { exact: true }).textContent())!.trim();
      expect(dkimName).toMatch(/^[a-z0-9-]+\._domainkey\.shop\.test$/);
      expect(dkimValue).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
      expect(await card.getByText('not checked').count()).toBe(3);

      // The owner publishes the DKIM and SPF records as shown; DMARC is left out.
      dns.records.set(dkimName, [dkimValue]);
      dns.records.set('shop.test', [(await card.getByLabel('SPF value', { exact: true }).textContent())!.trim()]);
      await card.getByRole('button', { name: 'Check DNS' }).click();
      await card.getByText('verified', { exact: true }).waitFor();
      const status = (purpose: string) => card.getByRole('row').filter({ hasText: purpose }).getByRole('cell').last();
      expect(await status('DKIM').textContent()).toContain('valid');
      expect(await status('SPF').textContent()).toContain('valid');
      expect(await status('DMARC').textContent()).toContain('missing');
      await shot(owner, 'sending-domain');
    });

    it('lets the owner start a second workspace from the switcher, remembers it across a reload, and switches back', async () => {
      await ownerPage.getByRole('button', { name: /Workspace: Spring Shop/ }).click();
      await ownerPage.getByRole('menuitem', { name: 'New workspace' }).click();
      const dialog = ownerPage.getByRole('dialog', { name: 'New workspace' });
      await dialog.getByLabel('Workspace name').fill('Autumn Brand');
      await dialog.getByRole('button', { name: 'Create the workspace' }).click();
      await ownerPage.waitForURL(/\/campaigns$/);
      await ownerPage.getByRole('button', { name: /Workspace: Autumn Brand/ }).waitFor();
      await ownerPage.getByText('No campaign yet.').waitFor();

      // What belongs to the other workspace is not found here, even by its address.
      await ownerPage.reload();
      await ownerPage.getByRole('button', { name: /Workspace: Autumn Brand/ }).waitFor();
      await ownerPage.goto(`${t.baseUrl}/campaigns/${campaignId}`);
      await ownerPage.getByRole('alert').filter({ hasText: /not found/i }).waitFor();
      await shot(owner, 'second-workspace');

      await ownerPage.getByRole('button', { name: /Workspace: Autumn Brand/ }).click();
      await ownerPage.getByRole('menuitem', { name: /Spring Shop/ }).click();
      await ownerPage.waitForURL(/\/campaigns$/);
      await ownerPage.getByRole('button', { name: /Workspace: Spring Shop/ }).waitFor();
      await ownerPage.getByRole('table', { name: 'Campaigns' }).getByRole('link', { name: 'Spring sale' }).waitFor();
    });
  });
});
