/**
 * The advanced filter of SPEC §3 as the builder edits it: the same JSON the API,
 * exports and saved views take. Pure, so that it can be tested without a browser.
 */

export type Match = 'all' | 'any';
export interface Condition {
  field: string;
  op: string;
  value?: unknown;
  human?: boolean;
  linkId?: number;
  /** Behaviour in another campaign (opened, clicked, received). */
  campaignId?: number;
}
export interface Group {
  match: Match;
  conditions: FilterNode[];
}
export interface Not {
  not: FilterNode;
}
/** Recipients of one A/B variant (SPEC §11). */
export interface Variant {
  variant: string;
}
export type FilterNode = Condition | Group | Not | Variant;

export const VARIANT_KEYS = ['A', 'B', 'C', 'D'] as const;

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

export type Kind = 'boolean' | 'number' | 'link' | 'date' | 'string' | 'list' | 'bounce' | 'variant';

export const OPERATORS: Record<Kind, { op: string; label: string }[]> = {
  boolean: [{ op: 'is', label: 'is' }],
  bounce: [{ op: 'is', label: 'is' }],
  variant: [{ op: 'is', label: 'is' }],
  list: [
    { op: 'eq', label: 'is' },
    { op: 'in', label: 'is one of' },
  ],
  number: [
    { op: 'eq', label: '=' },
    { op: 'neq', label: '≠' },
    { op: 'gt', label: '>' },
    { op: 'gte', label: '≥' },
    { op: 'lt', label: '<' },
    { op: 'lte', label: '≤' },
  ],
  link: [
    { op: 'gte', label: '≥' },
    { op: 'eq', label: '=' },
    { op: 'neq', label: '≠' },
    { op: 'gt', label: '>' },
    { op: 'lt', label: '<' },
    { op: 'lte', label: '≤' },
    { op: 'is', label: 'clicked it:' },
  ],
  date: [
    { op: 'before', label: 'before' },
    { op: 'after', label: 'after' },
    { op: 'between', label: 'between' },
    { op: 'withinLastDays', label: 'within the last … days' },
  ],
  string: [
    { op: 'eq', label: 'is' },
    { op: 'neq', label: 'is not' },
    { op: 'contains', label: 'contains' },
    { op: 'startsWith', label: 'starts with' },
    { op: 'in', label: 'is one of' },
    { op: 'isEmpty', label: 'is empty' },
  ],
};

export interface FieldInfo {
  field: string;
  label: string;
  kind: Kind;
  group: 'Behaviour' | 'Other campaigns' | 'Contact';
  /** Behaviour in another campaign: the condition carries campaignId (its field is the part before ':'). */
  campaign?: boolean;
  /** Open and click conditions can count human events only. */
  human?: boolean;
  /** Needs a link (clickedLink). */
  link?: boolean;
  /** Not recorded for SMS (no opens). */
  emailOnly?: boolean;
}

export const BEHAVIOUR_FIELDS: FieldInfo[] = [
  { field: 'received', label: 'Received', kind: 'boolean', group: 'Behaviour' },
  { field: 'bounced', label: 'Bounced', kind: 'bounce', group: 'Behaviour' },
  // "Opened" is what the Openers segment counts: a pixel load or a click (a click implies an open).
  // "Number of opens" counts pixel loads only: someone who clicked without loading images has 0 and is still an opener.
  { field: 'opened', label: 'Opened (a click counts)', kind: 'boolean', group: 'Behaviour', human: true, emailOnly: true },
  { field: 'opens', label: 'Number of opens (pixel loads)', kind: 'number', group: 'Behaviour', human: true, emailOnly: true },
  { field: 'clicked', label: 'Clicked', kind: 'boolean', group: 'Behaviour', human: true },
  { field: 'clicks', label: 'Number of clicks', kind: 'number', group: 'Behaviour', human: true },
  { field: 'clickedLink', label: 'Clicks on link', kind: 'link', group: 'Behaviour', human: true, link: true },
  { field: 'firstOpenAt', label: 'First open', kind: 'date', group: 'Behaviour', human: true, emailOnly: true },
  { field: 'lastOpenAt', label: 'Last open', kind: 'date', group: 'Behaviour', human: true, emailOnly: true },
  { field: 'firstClickAt', label: 'First click', kind: 'date', group: 'Behaviour', human: true },
  { field: 'lastClickAt', label: 'Last click', kind: 'date', group: 'Behaviour', human: true },
  { field: 'unsubscribed', label: 'Unsubscribed', kind: 'boolean', group: 'Behaviour' },
  { field: 'complained', label: 'Complained', kind: 'boolean', group: 'Behaviour', emailOnly: true },
];

/** As the API names them: `{ field, campaignId, op: "is", value }`. */
export const OTHER_CAMPAIGN_FIELDS: FieldInfo[] = [
  { field: 'opened:campaign', label: 'Opened another campaign', kind: 'boolean', group: 'Other campaigns', human: true, campaign: true },
  { field: 'clicked:campaign', label: 'Clicked another campaign', kind: 'boolean', group: 'Other campaigns', human: true, campaign: true },
  { field: 'received:campaign', label: 'Received another campaign', kind: 'boolean', group: 'Other campaigns', campaign: true },
];

export const VARIANT_FIELD: FieldInfo = { field: 'variant', label: 'A/B variant', kind: 'variant', group: 'Behaviour' };

export const CONTACT_FIELDS: FieldInfo[] = [
  { field: 'contact.email', label: 'Email', kind: 'string', group: 'Contact' },
  { field: 'contact.phone', label: 'Phone', kind: 'string', group: 'Contact' },
  { field: 'contact.firstName', label: 'First name', kind: 'string', group: 'Contact' },
  { field: 'contact.lastName', label: 'Last name', kind: 'string', group: 'Contact' },
  { field: 'contact.createdAt', label: 'Added on', kind: 'date', group: 'Contact' },
  { field: 'contact.inList', label: 'In list', kind: 'list', group: 'Contact' },
];

const CUSTOM_KINDS: Record<string, Kind> = { number: 'number', date: 'date', boolean: 'boolean' };

/** Every field the builder offers: behaviour, contact, then the custom fields in use. */
export function fieldCatalog(customFields: { name: string; type?: string }[], channel: 'email' | 'sms' = 'email', options: { ab?: boolean } = {}): FieldInfo[] {
  return [
    ...BEHAVIOUR_FIELDS.filter((f) => channel === 'email' || !f.emailOnly),
    ...(options.ab ? [VARIANT_FIELD] : []),
    ...OTHER_CAMPAIGN_FIELDS,
    ...CONTACT_FIELDS,
    ...customFields.map((f) => ({ field: `contact.fields.${f.name}`, label: f.name, kind: CUSTOM_KINDS[f.type ?? ''] ?? 'string', group: 'Contact' as const })),
  ];
}

/** The catalog key of a node: a variant, behaviour in another campaign, or its field. */
export const fieldKey = (node: Condition | Variant): string => ('variant' in node ? 'variant' : 'campaignId' in node ? `${node.field}:campaign` : node.field);

export function fieldInfo(field: string, catalog: FieldInfo[]): FieldInfo {
  return catalog.find((f) => f.field === field) ?? { field, label: field.replace(/^contact\.fields\./, ''), kind: 'string', group: 'Contact' };
}

/** The value an operator starts with, so that a new condition is complete at once. */
export function defaultValue(kind: Kind, op: string): unknown {
  if (kind === 'boolean' || kind === 'bounce' || op === 'is') return true;
  if (kind === 'list') return op === 'in' ? [] : undefined;
  if (kind === 'number' || kind === 'link') return 1;
  if (op === 'withinLastDays') return 7;
  if (kind === 'date') {
    const today = new Date().toISOString().slice(0, 10);
    return op === 'between' ? [today, today] : today;
  }
  if (op === 'in') return [];
  if (op === 'isEmpty') return true;
  return '';
}

/** A new condition on a field, with its first operator and a default value. */
export function newCondition(info: FieldInfo, options: { linkId?: number; listId?: number; campaignId?: number } = {}): Condition {
  if (info.campaign) return { field: info.field.split(':')[0]!, campaignId: options.campaignId, op: 'is', value: true };
  const op = info.kind === 'number' ? 'gte' : OPERATORS[info.kind][0]!.op;
  const condition: Condition = { field: info.field, op, value: defaultValue(info.kind, op) };
  if (info.link) condition.linkId = options.linkId;
  if (info.kind === 'list' && options.listId) condition.value = options.listId;
  return condition;
}

/** The condition moved to another operator: the value is kept when it still fits. */
export function changeOperator(condition: Condition, kind: Kind, op: string): Condition {
  const fresh = defaultValue(kind, op);
  const fits = Array.isArray(fresh) === Array.isArray(condition.value) && typeof fresh === typeof condition.value && op !== 'isEmpty';
  return { ...condition, op, value: fits ? condition.value : fresh };
}

export const isGroup = (node: FilterNode): node is Group => 'conditions' in node;
export const isNot = (node: FilterNode): node is Not => 'not' in node;
export const isVariant = (node: FilterNode): node is Variant => 'variant' in node;

export function countConditions(node: FilterNode): number {
  if (isNot(node)) return countConditions(node.not);
  if (isGroup(node)) return node.conditions.reduce((sum, child) => sum + countConditions(child), 0);
  return 1;
}

export function depth(node: FilterNode): number {
  if (isNot(node)) return depth(node.not);
  if (isGroup(node)) return 1 + Math.max(0, ...node.conditions.map(depth));
  return 0;
}

/** Problems the server would answer 400 for, found before sending: [JSON path, message]. */
export function problems(node: FilterNode, path = '$'): [string, string][] {
  if (isNot(node)) return problems(node.not, `${path}.not`);
  if (isGroup(node)) {
    const own: [string, string][] = [];
    if (path === '$' && depth(node) > MAX_DEPTH) own.push([path, `groups nest at most ${MAX_DEPTH} deep`]);
    if (path === '$' && countConditions(node) > MAX_CONDITIONS) own.push([path, `at most ${MAX_CONDITIONS} conditions`]);
    return [...own, ...node.conditions.flatMap((child, i) => problems(child, `${path}.conditions[${i}]`))];
  }
  if (isVariant(node)) return VARIANT_KEYS.includes(node.variant as 'A') ? [] : [[path, 'pick a variant']];
  const { op, value } = node;
  if (node.field === 'clickedLink' && !node.linkId) return [[path, 'pick a link']];
  if ('campaignId' in node && !node.campaignId) return [[path, 'pick a campaign']];
  if (node.field === 'contact.inList' && !value) return [[path, 'pick a list']];
  if (op === 'between' && (!Array.isArray(value) || value.length !== 2 || !value[0] || !value[1])) return [[path, 'give both dates']];
  if (op === 'in' && (!Array.isArray(value) || value.length === 0)) return [[path, 'give at least one value']];
  if (['contains', 'startsWith'].includes(op) && !value) return [[path, 'give some text']];
  if (typeof value === 'number' && !Number.isFinite(value)) return [[path, 'give a number']];
  if (['before', 'after'].includes(op) && !value) return [[path, 'give a date']];
  return [];
}

/** A group without empty groups, or undefined when nothing is left: what is sent to the API. */
export function prune(node: FilterNode): FilterNode | undefined {
  if (isNot(node)) {
    const inner = prune(node.not);
    return inner && { not: inner };
  }
  if (isGroup(node)) {
    const conditions = node.conditions.map(prune).filter((c): c is FilterNode => c !== undefined);
    return conditions.length ? { match: node.match, conditions } : undefined;
  }
  return node;
}

/** Dates typed as days become the ISO instants the API takes. */
export function toApi(node: FilterNode | undefined): FilterNode | undefined {
  if (!node) return undefined;
  const day = (value: unknown, end = false) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00.000'}`).toISOString() : value;
  if (isNot(node)) return { not: toApi(node.not)! };
  if (isGroup(node)) return { match: node.match, conditions: node.conditions.map((c) => toApi(c)!) };
  if (isVariant(node)) return node;
  if (node.op === 'between' && Array.isArray(node.value)) return { ...node, value: [day(node.value[0]), day(node.value[1], true)] };
  if (node.op === 'before' || node.op === 'after') return { ...node, value: day(node.value, node.op === 'after') };
  return node;
}

/** Names the builder's words need beyond the catalog: links, lists and campaigns by id. */
export interface WordsContext {
  fields?: FieldInfo[];
  linkLabels?: Map<number, string>;
  lists?: { id: number; name: string }[];
  campaigns?: { id: number; name: string }[];
}

const BOOLEAN_WORDS: Record<string, [string, string]> = {
  received: ['received', 'not received'],
  bounced: ['bounced', 'not bounced'],
  opened: ['opened', 'not opened'],
  clicked: ['clicked', 'not clicked'],
  unsubscribed: ['unsubscribed', 'not unsubscribed'],
  complained: ['complained', 'did not complain'],
};

/** A filter in plain words, e.g. "clicked /spring ≥ 1 and (city is Paris or city is Lyon)": for names and descriptions. */
export function describeFilter(node: FilterNode, words: WordsContext = {}, nested = false): string {
  if (isNot(node)) return `not ${describeFilter(node.not, words, true)}`;
  if (isVariant(node)) return `variant ${node.variant}`;
  if (isGroup(node)) {
    const parts = node.conditions.map((c) => describeFilter(c, words, true));
    const text = parts.join(node.match === 'all' ? ' and ' : ' or ');
    return nested && parts.length > 1 ? `(${text})` : text;
  }
  const catalog = words.fields ?? [...BEHAVIOUR_FIELDS, ...OTHER_CAMPAIGN_FIELDS, ...CONTACT_FIELDS];
  const info = fieldInfo(fieldKey(node), catalog);
  const human = node.human ? ' (human)' : '';
  const listName = (id: unknown) => words.lists?.find((l) => l.id === id)?.name ?? `list #${String(id)}`;
  const value = (v: unknown): string => (Array.isArray(v) ? v.map(value).join(', ') : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? v.slice(0, 10) : String(v));
  if (info.campaign) {
    const name = words.campaigns?.find((c) => c.id === node.campaignId)?.name ?? `campaign #${node.campaignId}`;
    const [yes, no] = BOOLEAN_WORDS[node.field] ?? [node.field, `not ${node.field}`];
    return `${node.value === false ? no : yes}${human} “${name}”`;
  }
  if (node.field === 'bounced' && typeof node.value === 'string') return `${node.value} bounce`;
  if (info.kind === 'boolean' && BOOLEAN_WORDS[node.field]) return `${BOOLEAN_WORDS[node.field]![node.value === false ? 1 : 0]}${human}`;
  if (node.field === 'clickedLink') {
    const link = words.linkLabels?.get(node.linkId ?? 0) ?? `link #${node.linkId}`;
    if (node.op === 'is') return `${node.value === false ? 'did not click' : 'clicked'} ${link}${human}`;
    return `clicks on ${link} ${OPERATORS.link.find((o) => o.op === node.op)?.label ?? node.op} ${value(node.value)}${human}`;
  }
  if (node.field === 'contact.inList') return node.op === 'in' ? `in one of ${value((node.value as unknown[]).map(listName))}` : `in ${listName(node.value)}`;
  const label = info.label.replace(/ \(.*\)$/, '').toLowerCase();
  const op = OPERATORS[info.kind].find((o) => o.op === node.op)?.label ?? node.op;
  if (node.op === 'isEmpty') return `${label} ${node.value === false ? 'is not empty' : 'is empty'}`;
  if (node.op === 'between' && Array.isArray(node.value)) return `${label} between ${value(node.value[0])} and ${value(node.value[1])}`;
  if (node.op === 'withinLastDays') return `${label} within the last ${value(node.value)} days${human}`;
  return `${label} ${op} ${value(node.value)}${human}`;
}
