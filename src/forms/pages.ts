import { createHash } from 'node:crypto';
import type { AppContext } from '../context.js';
import { escapeHtml } from '../tracking/pages.js';
import type { FormDef } from './model.js';
import type { FormField } from './schemas.js';
import { embedToken, renderTimeToken } from './tokens.js';

/**
 * The public pages of a form: the hosted form (complete without JavaScript: labels, required
 * fields, autocomplete hints, the consent beside its checkbox), the embed snippet, the thank-you
 * page, and the confirmation link's pages. Everything a form's owner or a visitor wrote is escaped.
 */

/** What a visitor typed, kept when the form comes back with an error. */
export type Typed = Record<string, string>;
/** Messages by input name. */
export type FieldErrors = Record<string, string>;

/** The hidden field a visitor never sees nor fills (bots fill every field). */
export const HONEYPOT = 'website';
/** The hidden field with the signed render time. */
export const RENDERED = '_t';
export const CONSENT = 'consent';
/** Custom fields post as fields.<name>, so that no custom name can collide with ours. */
export const inputName = (field: Pick<FormField, 'name' | 'type'>) =>
  ['phone', 'firstName', 'lastName'].includes(field.type) ? field.name : `fields.${field.name}`;

const STYLE = `*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2328;line-height:1.5}
main{max-width:30rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1.25rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .3rem}
.req{color:#b42318}
input[type=email],input[type=text],input[type=tel],input[type=number],input[type=date]{width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #8c959f;border-radius:.4rem;background:#fff;color:inherit}
input:focus-visible,button:focus-visible{outline:3px solid #1c7ed6;outline-offset:2px}
input[aria-invalid=true]{border-color:#b42318}
.check{display:flex;gap:.6rem;align-items:flex-start}
.check input{margin:.3rem 0 0;width:1.1rem;height:1.1rem;flex:none}
.check label{font-weight:400}
.error{color:#b42318;margin:.3rem 0 0;font-size:.95rem}
.summary{border:2px solid #b42318;border-radius:.4rem;padding:.75rem 1rem;margin:0 0 1.25rem}
.summary h2{font-size:1rem;margin:0 0 .3rem}
.summary ul{margin:0;padding-left:1.2rem}
.summary a{color:#b42318}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#1c7ed6;color:#fff;cursor:pointer}
button:hover{background:#1864ab}
blockquote{margin:0 0 1.25rem;padding:.75rem 1rem;border-left:4px solid #1c7ed6;background:#f1f6fd}
p{margin:0 0 1rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

/** Plain text as paragraphs: blank lines part them, single newlines become line breaks. */
const paragraphs = (text: string) =>
  text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

const AUTOCOMPLETE: Record<string, string> = { phone: 'tel', firstName: 'given-name', lastName: 'family-name' };
const INPUT_TYPE: Record<string, string> = { phone: 'tel', number: 'number', date: 'date' };

interface Input {
  id: string;
  name: string;
  label: string;
  required: boolean;
  type: string;
  autocomplete?: string;
}

function inputsOf(form: FormDef): Input[] {
  return [
    { id: 'f-email', name: 'email', label: 'Email', required: true, type: 'email', autocomplete: 'email' },
    ...form.fields.map((field, i) => ({
      id: `f-${i + 1}`,
      name: inputName(field),
      label: field.label,
      required: field.required,
      type: field.type === 'boolean' ? 'checkbox' : (INPUT_TYPE[field.type] ?? 'text'),
      autocomplete: AUTOCOMPLETE[field.type],
    })),
  ];
}

function fieldHtml(input: Input, typed: Typed, errors: FieldErrors): string {
  const error = errors[input.name];
  const attrs = [
    `id="${input.id}"`,
    `name="${escapeHtml(input.name)}"`,
    `type="${input.type}"`,
    input.required ? 'required' : '',
    input.autocomplete ? `autocomplete="${input.autocomplete}"` : '',
    error ? `aria-invalid="true" aria-describedby="${input.id}-error"` : '',
  ].filter(Boolean);
  const required = input.required ? ' <span class="req" aria-hidden="true">*</span>' : '';
  const message = error ? `\n<p class="error" id="${input.id}-error">${escapeHtml(error)}</p>` : '';
  if (input.type === 'checkbox') {
    const checked = typed[input.name] ? ' checked' : '';
    return `<div class="field check"><input ${attrs.join(' ')} value="yes"${checked}><label for="${input.id}">${escapeHtml(input.label)}${required}</label></div>${message}`;
  }
  const value = typed[input.name] ? ` value="${escapeHtml(typed[input.name]!)}"` : '';
  return `<div class="field"><label for="${input.id}">${escapeHtml(input.label)}${required}</label>
<input ${attrs.join(' ')}${value}>${message}</div>`;
}

function consentHtml(form: FormDef, typed: Typed, errors: FieldErrors): string {
  const error = errors[CONSENT];
  const described = error ? ' aria-invalid="true" aria-describedby="f-consent-error"' : '';
  const checked = typed[CONSENT] ? ' checked' : '';
  return `<div class="field check"><input id="f-consent" name="${CONSENT}" type="checkbox" value="yes" required${described}${checked}><label for="f-consent">${escapeHtml(form.consentText)}</label></div>${
    error ? `\n<p class="error" id="f-consent-error">${escapeHtml(error)}</p>` : ''
  }`;
}

/** Out of sight and out of the tab order; people never fill it, bots do. */
const honeypotHtml = () =>
  `<div class="hp" aria-hidden="true"><label for="f-${HONEYPOT}">Leave this field empty</label><input id="f-${HONEYPOT}" name="${HONEYPOT}" type="text" tabindex="-1" autocomplete="off" value=""></div>`;

function formBody(form: FormDef, action: string, token: string, typed: Typed, errors: FieldErrors): string {
  const inputs = inputsOf(form);
  const wrong = [...inputs.map((i) => ({ id: i.id, name: i.name, label: i.label })), { id: 'f-consent', name: CONSENT, label: 'Consent' }].filter(
    (i) => errors[i.name],
  );
  const summary = wrong.length
    ? `<div class="summary" role="alert" tabindex="-1"><h2>Please correct this:</h2><ul>${wrong
        .map((i) => `<li><a href="#${i.id}">${escapeHtml(errors[i.name]!)}</a></li>`)
        .join('')}</ul></div>\n`
    : '';
  return `${summary}<form method="post" action="${escapeHtml(action)}">
${inputs.map((input) => fieldHtml(input, typed, errors)).join('\n')}
${consentHtml(form, typed, errors)}
${honeypotHtml()}
<input type="hidden" name="${RENDERED}" value="${escapeHtml(token)}">
<button type="submit">Subscribe</button>
</form>`;
}

/** The hosted page /f/<slug>; with what was typed and the errors when a post is sent back. */
export function formPage(ctx: AppContext, form: FormDef, options: { typed?: Typed; errors?: FieldErrors; token?: string } = {}): string {
  const token = options.token ?? renderTimeToken(ctx.secret, form.id, ctx.now());
  return page(form.name, formBody(form, `/f/${form.slug}`, token, options.typed ?? {}, options.errors ?? {}));
}

/**
 * The snippet to paste into another site: the same form posting to the hosted page's full URL,
 * with its styles scoped to it. No script: the post lands on the hosted thank-you page.
 */
export function embedHtml(ctx: AppContext, form: FormDef): string {
  const scoped = STYLE.replace(/^(body|main|h1)\{[^\n]*\n/gm, '')
    .split('\n')
    .map((rule) => `.ricochet-form ${rule.replace(/,(?=[^{]*\{)/g, ',.ricochet-form ')}`)
    .join('\n');
  return `<div class="ricochet-form">
<style>${scoped}</style>
${formBody(form, form.url, embedToken(ctx.secret, form.id), {}, {})}
</div>`;
}

/** The same page for every post that is not sent back: new, known, unsubscribed, bounced address, or a bot. */
export function thankYouPage(form: FormDef): string {
  return page(form.name, paragraphs(form.messages.thankYou));
}

/** A short fingerprint of the consent text, so that the POST records the text the page showed. */
export const textFingerprint = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

export function confirmPage(form: FormDef, token: string, email: string): string {
  return page(
    'Confirm your subscription',
    `<p>Confirm that <strong>${escapeHtml(email)}</strong> wants to receive emails from ${escapeHtml(form.name)}.</p>
<blockquote>${paragraphs(form.consentText)}</blockquote>
<form method="post" action="/c/${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="shown" value="${textFingerprint(form.consentText)}">
<button type="submit">Confirm</button>
</form>`,
  );
}

export function confirmedPage(form: FormDef): string {
  return page(form.name, paragraphs(form.messages.confirmed));
}

export function expiredPage(form: FormDef | undefined): string {
  const again = form ? ` <a href="/f/${escapeHtml(form.slug)}">Sign up again</a> to get a new one.` : '';
  return page('This link has expired', `<p>Confirmation links work for 7 days.${again}</p>`);
}

export function formNotFoundPage(): string {
  return page('Form not found', '<p>There is no form at this address. Check the link you followed.</p>');
}

export function confirmationNotFoundPage(): string {
  return page('Link not found', '<p>This confirmation link is not valid. Check that you opened the whole link from the email.</p>');
}
