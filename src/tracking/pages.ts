/** What the public tracking routes answer with: the pixel and small self-contained HTML pages. */
import type { PreferenceList } from '../contacts/lists.js';
import { UNSUBSCRIBE_REASONS } from './unsubscribe.js';

export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** No scripts, no framing (a hidden unsubscribe button must not be clickjacked), forms post only to us. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#222;color:#fff;cursor:pointer}
fieldset{border:1px solid #ddd;border-radius:.4rem;margin:0 0 1rem;padding:.5rem 1rem 1rem}legend{padding:0 .3rem}
label{display:block;margin:.3rem 0}input[type=text]{font:inherit;width:100%;box-sizing:border-box;padding:.3rem}
form+form{margin-top:2rem}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function linkNotFoundPage(): string {
  return page('Link not found', '<p>This link is not valid, or it has expired.</p>');
}

export function tryAgainPage(): string {
  return page('Please try again', '<p>We could not open this link just now. Please try again in a moment.</p>');
}

const formAction = (token: string) => `/u/${escapeHtml(encodeURIComponent(token))}`;
const what = (channel: 'email' | 'sms') => (channel === 'sms' ? 'text messages' : 'emails');
const fromSender = (sender: string | null) => (sender ? ` from ${escapeHtml(sender)}` : '');

/** The optional reason: a few choices, and the subscriber's own words for "Other". */
function reasonFields(): string {
  const choices = Object.entries(UNSUBSCRIBE_REASONS)
    .map(([value, label]) => `<label><input type="radio" name="reason" value="${escapeHtml(value)}"> ${escapeHtml(label)}</label>`)
    .join('\n');
  return `<fieldset><legend>Why are you leaving? (optional)</legend>
${choices}
<label>In your own words: <input type="text" name="reasonText" maxlength="500" autocomplete="off"></label></fieldset>`;
}

/** The page when there is nothing to choose: SMS, or no list of the workspace is on the preference page. */
export function unsubscribeConfirmPage(token: string, sender: string | null, channel: 'email' | 'sms' = 'email'): string {
  return page(
    'Unsubscribe',
    `<p>Do you want to stop receiving ${what(channel)}${fromSender(sender)}?</p>
<form method="post" action="${formAction(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">${reasonFields()}<button type="submit">Unsubscribe</button></form>`,
  );
}

/**
 * The preference page: the lists on it as checkboxes, checked for those the contact is in.
 * Each form posts on its own, so pressing Enter in the reason never saves lists, and saving never unsubscribes.
 */
export function preferencePage(token: string, sender: string | null, lists: PreferenceList[], unsubscribed: boolean): string {
  const boxes = lists
    .map(
      (l) => `<input type="hidden" name="offered" value="${l.id}">
<label><input type="checkbox" name="list" value="${l.id}"${l.member ? ' checked' : ''}> ${escapeHtml(l.name)}</label>`,
    )
    .join('\n');
  const note = !unsubscribed ? '' : `<p><strong>You are unsubscribed from all emails${fromSender(sender)}.</strong></p>`;
  return page(
    'Email preferences',
    `${note}<p>Choose what you receive${fromSender(sender)}.</p>
<form method="post" action="${formAction(token)}">
<input type="hidden" name="action" value="save">
<fieldset><legend>Lists</legend>
${boxes}
</fieldset><button type="submit">Save preferences</button></form>
<form method="post" action="${formAction(token)}">
<input type="hidden" name="action" value="unsubscribe">${reasonFields()}<button type="submit">Unsubscribe from all</button></form>`,
  );
}

export function preferencesSavedPage(token: string, sender: string | null, lists: PreferenceList[]): string {
  const member = lists.filter((l) => l.member);
  const summary = member.length
    ? `<p>You are on these lists${fromSender(sender)}:</p><ul>${member.map((l) => `<li>${escapeHtml(l.name)}</li>`).join('')}</ul>`
    : `<p>You are on none of the lists${fromSender(sender)}.</p>`;
  return page('Your preferences are saved', `${summary}<p><a href="${formAction(token)}">Change them again</a></p>`);
}

export function unsubscribedPage(sender: string | null, channel: 'email' | 'sms' = 'email'): string {
  return page('You are unsubscribed', `<p>You will no longer receive these ${what(channel)}${fromSender(sender)}.</p>`);
}
