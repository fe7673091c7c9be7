import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { TestApp } from './app.js';

/** A visitor of a hosted form: what the page says, and the signed render time it carries. */
export async function visitForm(t: TestApp, slug: string): Promise<{ status: number; html: string; renderedAt: string }> {
  const response = await fetch(`${t.baseUrl}/f/${slug}`);
  const html = await response.text();
  return { status: response.status, html, renderedAt: /name="_t" value="([^"]+)"/.exec(html)?.[1] ?? '' };
}

/** Posts a form as a browser does without JavaScript (form-encoded). */
export async function postForm(t: TestApp, slug: string, values: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.baseUrl}/f/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(values).toString(),
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/**
 * Fills the hosted form as a person would: loads it, waits (on the test clock) longer than the
 * minimum fill time, and posts the values with the consent ticked and the honeypot empty.
 */
export async function signUp(t: TestApp, slug: string, values: Record<string, string>, headers: Record<string, string> = {}) {
  const { renderedAt } = await visitForm(t, slug);
  t.clock.advance(5_000);
  return postForm(t, slug, { email: '', website: '', consent: 'yes', _t: renderedAt, ...values }, headers);
}

export interface CapturedMail {
  file: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The confirmation link's token (/c/<token>), when the mail has one. */
  confirmToken: string | undefined;
}

/** The outbox's copies, oldest first. */
export async function outboxMails(t: TestApp): Promise<CapturedMail[]> {
  const dir = join(t.ctx.config.dataDir, 'outbox');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(readFileSync(join(dir, file)));
      const html = typeof mail.html === 'string' ? mail.html : '';
      return {
        file,
        to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
        subject: mail.subject ?? '',
        html,
        text: mail.text ?? '',
        confirmToken: /\/c\/([\w.-]+)/.exec(html)?.[1],
      };
    }),
  );
}

/** The confirmation page's hidden fields, as its Confirm button posts them. */
export async function pressConfirm(t: TestApp, token: string, headers: Record<string, string> = {}) {
  const page = await (await fetch(`${t.baseUrl}/c/${token}`)).text();
  const shown = /name="shown" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const response = await fetch(`${t.baseUrl}/c/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ shown }).toString(),
  });
  return { status: response.status, html: await response.text() };
}
