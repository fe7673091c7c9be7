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
}
export interface Group {
  match: Match;
  conditions: FilterNode[];
}
export interface Not {
  not: FilterNode;
}
export type FilterNode = Condition | Group | Not;

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

export type Kind = 'boolean' | 'number' | 'link' | 'date' | 'string' | 'list' | 'bounce';

export const OPERATORS: Record<Kind, { op: string; label: string }[]> = {
  boolean: [{ op: 'is', label: 'is' }],
  bounce: [{ op: 'is', label: 'is' }],
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
  group: 'Behaviour' | 'Contact';
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
  { field: 'opened', label: 'Opened', kind: 'boolean', group: 'Behaviour', human: true, emailOnly: true },
  { field: 'opens', label: 'Number of opens', kind: 'number', group: 'Behaviour', human: true, emailOnly: true },
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
export function fieldCatalog(customFields: { name: string; type?: string }[], channel: 'email' | 'sms' = 'email'): FieldInfo[] {
  return [
    ...BEHAVIOUR_FIELDS.filter((f) => channel === 'email' || !f.emailOnly),
    ...CONTACT_FIELDS,
    ...customFields.map((f) => ({ field: `contact.fields.${f.name}`, label: f.name, kind: CUSTOM_KINDS[f.type ?? ''] ?? 'string', group: 'Contact' as const })),
  ];
}

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
export function newCondition(info: FieldInfo, options: { linkId?: number; listId?: number } = {}): Condition {
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
  const { op, value } = node;
  if (node.field === 'clickedLink' && !node.linkId) return [[path, 'pick a link']];
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
  if (node.op === 'between' && Array.isArray(node.value)) return { ...node, value: [day(node.value[0]), day(node.value[1], true)] };
  if (node.op === 'before' || node.op === 'after') return { ...node, value: day(node.value, node.op === 'after') };
  return node;
}
