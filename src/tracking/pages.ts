/** What the public tracking routes answer with: the pixel and small self-contained HTML pages. */

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
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#222;color:#fff;cursor:pointer}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function linkNotFoundPage(): string {
  return page('Link not found', '<p>This link is not valid, or it has expired.</p>');
}

export function tryAgainPage(): string {
  return page('Please try again', '<p>We could not open this link just now. Please try again in a moment.</p>');
}

export function unsubscribeConfirmPage(token: string, sender: string | null): string {
  const from = sender ? ` from ${escapeHtml(sender)}` : '';
  return page(
    'Unsubscribe',
    `<p>Do you want to stop receiving emails${from}?</p>
<form method="post" action="/u/${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(sender: string | null): string {
  const from = sender ? ` from ${escapeHtml(sender)}` : '';
  return page('You are unsubscribed', `<p>You will no longer receive these emails${from}.</p>`);
}
