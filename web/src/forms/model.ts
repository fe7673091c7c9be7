import type { CustomField, Form, FormCreate, FormFieldInput, FormMessages, FormPatch } from './types';

/** The contact fields every form may ask for besides the email, with the labels the hosted page shows by default. */
export const BUILT_IN: { name: string; label: string }[] = [
  { name: 'firstName', label: 'First name' },
  { name: 'lastName', label: 'Last name' },
  { name: 'phone', label: 'Phone' },
];

/** One field the form may ask for: asked or not, required or not, under the default label or another. */
export interface FieldChoice {
  name: string;
  defaultLabel: string;
  /** What the editor says it is: "built-in" or the custom field's type. */
  kind: string;
  asked: boolean;
  required: boolean;
  label: string;
}

export const MESSAGE_KEYS = ['thankYou', 'confirmed', 'confirmationSubject', 'confirmationHtml'] as const;

export interface Draft {
  name: string;
  listIds: number[];
  fields: FieldChoice[];
  doubleOptIn: boolean;
  consentText: string;
  /** Empty means Ricochet's default text. */
  messages: FormMessages;
}

export const defaultConsentText = (workspace: string) =>
  `I agree to receive emails from ${workspace}. I can unsubscribe at any time with the link in every email.`;

/** The editor's starting point: the form as saved, or a new form (double opt-in on, nothing asked but the email). */
export function draftOf(form: Form | undefined, customFields: CustomField[], workspace: string): Draft {
  const asked = new Map((form?.fields ?? []).map((field, i) => [field.name, { field, i }]));
  const choices: FieldChoice[] = [
    ...BUILT_IN.map((b) => ({ name: b.name, defaultLabel: b.label, kind: 'built-in' })),
    ...customFields.filter((f) => !BUILT_IN.some((b) => b.name === f.name)).map((f) => ({ name: f.name, defaultLabel: f.name, kind: f.type })),
  ].map((choice) => {
    const saved = asked.get(choice.name)?.field;
    return { ...choice, asked: !!saved, required: saved?.required ?? false, label: saved && saved.label !== choice.defaultLabel ? saved.label : '' };
  });
  // The asked fields first, in the form's order; a field the workspace no longer lists still shows while asked.
  for (const field of form?.fields ?? []) {
    if (!choices.some((c) => c.name === field.name)) choices.push({ name: field.name, defaultLabel: field.name, kind: field.type, asked: true, required: field.required, label: field.label === field.name ? '' : field.label });
  }
  const order = (c: FieldChoice) => asked.get(c.name)?.i ?? Number.MAX_SAFE_INTEGER;
  choices.sort((a, b) => order(a) - order(b));
  return {
    name: form?.name ?? '',
    listIds: form?.listIds ?? [],
    fields: choices,
    doubleOptIn: form?.doubleOptIn ?? true,
    consentText: form?.consentText ?? defaultConsentText(workspace),
    messages: form?.messages ?? { thankYou: '', confirmed: '', confirmationSubject: '', confirmationHtml: '' },
  };
}

const fieldsOf = (draft: Draft): FormFieldInput[] =>
  draft.fields.filter((f) => f.asked).map((f) => ({ name: f.name, required: f.required, label: f.label.trim() || null }));

/** What to create: blank messages are left out, so that the form takes the defaults. */
export function createBody(draft: Draft): FormCreate {
  const messages = Object.fromEntries(MESSAGE_KEYS.filter((key) => draft.messages[key].trim()).map((key) => [key, draft.messages[key]]));
  return {
    name: draft.name.trim(),
    listIds: draft.listIds,
    fields: fieldsOf(draft),
    doubleOptIn: draft.doubleOptIn,
    consentText: draft.consentText.trim(),
    ...(Object.keys(messages).length && { messages }),
  };
}

/**
 * What to change: every setting, but only the messages that were edited, so that a default left
 * alone stays the default (the thank-you text follows double opt-in); an emptied one is null,
 * which puts the default back.
 */
export function patchBody(draft: Draft, saved: Form): FormPatch {
  const messages = Object.fromEntries(
    MESSAGE_KEYS.filter((key) => draft.messages[key] !== saved.messages[key]).map((key) => [key, draft.messages[key].trim() ? draft.messages[key] : null]),
  );
  return {
    name: draft.name.trim(),
    listIds: draft.listIds,
    fields: fieldsOf(draft),
    doubleOptIn: draft.doubleOptIn,
    consentText: draft.consentText.trim(),
    ...(Object.keys(messages).length && { messages }),
  };
}

/** What the server would refuse, said beside the input before sending. */
export function problems(draft: Draft): Partial<Record<'name' | 'listIds' | 'consentText' | 'confirmationHtml', string>> {
  const found: ReturnType<typeof problems> = {};
  if (!draft.name.trim()) found.name = 'Name the form';
  if (draft.listIds.length === 0) found.listIds = 'Pick at least one list';
  if (!draft.consentText.trim()) found.consentText = 'Write what people agree to';
  const body = draft.messages.confirmationHtml;
  if (draft.doubleOptIn && body.trim() && !/\{\{-?\s*confirm_url\b/.test(body)) found.confirmationHtml = 'Put {{ confirm_url }} in the email: it is the link people confirm with';
  return found;
}

/** A server error's JSON path as the editor's input it is about. */
export function inputOfPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const match = /^\$\.(?:messages\.)?(\w+)/.exec(path);
  return match?.[1];
}
