import { customFieldName, isGroup, isNot, isVariant, type FilterCondition, type FilterNode } from './filter.js';

/**
 * The meaning of filters, in plain TypeScript over in-memory rows. It is the
 * definition the SQL compiler is checked against (property tests on SQLite and
 * PostgreSQL), so it is written for clarity, not speed, and shares no code with
 * the compiler.
 */

export interface Behaviour {
  opens: number;
  humanOpens: number;
  clicks: number;
  humanClicks: number;
}

export interface MessageFacts extends Behaviour {
  status: 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'skipped';
  bounceType: string | null;
  /** 0 behaviour usable, 1 tracking consent off, 2 contact erased. */
  contactState: number;
  firstOpenAt: number | null;
  lastOpenAt: number | null;
  firstHumanOpenAt: number | null;
  lastHumanOpenAt: number | null;
  firstClickAt: number | null;
  lastClickAt: number | null;
  firstHumanClickAt: number | null;
  lastHumanClickAt: number | null;
  unsubscribedAt: number | null;
  complainedAt: number | null;
  /** The A/B variant the recipient got; null without a test, or while the rest wait for the winner. */
  variant: string | null;
}

export interface RecipientFacts {
  message: MessageFacts;
  /** Clicks per link id of this campaign. */
  links: Record<number, { clicks: number; humanClicks: number }>;
  contact: {
    email: string | null;
    phone: string | null;
    firstName: string | null;
    lastName: string | null;
    createdAt: number;
    fields: Record<string, string | number | boolean>;
    lists: number[];
  };
  /** This contact's messages in other campaigns, by campaign id. */
  otherCampaigns: Record<number, Pick<MessageFacts, 'status' | 'contactState'> & Behaviour>;
}

export interface ReferenceScope {
  human: boolean;
  now: number;
}

/** A message is a row of its campaign's views unless it was never attempted or its contact was erased. */
export const inView = (m: MessageFacts) => m.status !== 'skipped' && m.contactState !== 2;

const DAY_MS = 24 * 60 * 60 * 1000;
const NOTHING: Behaviour = { opens: 0, humanOpens: 0, clicks: 0, humanClicks: 0 };

function compareNumbers(a: number, op: string, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a <= b;
  }
}

function compareDates(at: number | string | null, op: string, value: unknown, now: number, asText: boolean): boolean {
  if (at === null) return false;
  const bound = (ms: number) => (asText ? new Date(ms).toISOString() : ms);
  if (op === 'before') return at < bound(Date.parse(value as string));
  if (op === 'after') return at > bound(Date.parse(value as string));
  if (op === 'between') {
    const [from, to] = value as string[];
    return at >= bound(Date.parse(from!)) && at <= bound(Date.parse(to!));
  }
  return at >= bound(Math.round(now - (value as number) * DAY_MS));
}

/** Case-insensitive for ASCII letters, as SQLite's LIKE. */
const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

function compareText(text: string | null, op: string, value: unknown): boolean {
  switch (op) {
    case 'eq':
      return text !== null && text === value;
    case 'neq':
      return !(text !== null && text === value);
    case 'contains':
      return text !== null && fold(text).includes(fold(value as string));
    case 'startsWith':
      return text !== null && fold(text).startsWith(fold(value as string));
    case 'in':
      return text !== null && (value as string[]).includes(text);
    default: // isEmpty
      return value === (text === null || text === '');
  }
}

/** A custom field as text: strings as they are, numbers written out, booleans as 1 and 0. */
function customText(value: string | number | boolean | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function customField(value: string | number | boolean | undefined, op: string, operand: unknown, now: number): boolean {
  if (['eq', 'neq', 'gt', 'gte', 'lt', 'lte'].includes(op) && typeof operand === 'number') {
    const equal = typeof value === 'number' && value === operand;
    if (op === 'neq') return !equal;
    return typeof value === 'number' && compareNumbers(value, op, operand);
  }
  const text = customText(value);
  if (op === 'is') return text !== null && text === (operand ? '1' : '0');
  if (['before', 'after', 'between', 'withinLastDays'].includes(op)) return compareDates(text, op, operand, now, true);
  return compareText(text, op, operand);
}

function condition(c: FilterCondition, r: RecipientFacts, scope: ReferenceScope): boolean {
  const human = scope.human || c.human === true;
  const opened = (b: Behaviour) => (human ? b.humanOpens > 0 || b.humanClicks > 0 : b.opens > 0 || b.clicks > 0);
  const clicked = (b: Behaviour) => (human ? b.humanClicks > 0 : b.clicks > 0);

  if (c.campaignId !== undefined) {
    const other = r.otherCampaigns[c.campaignId];
    let did = false;
    if (other && c.field === 'received') did = other.status === 'delivered';
    else if (other && other.contactState === 0) did = c.field === 'opened' ? opened(other) : clicked(other);
    return did === c.value;
  }

  const m = r.message;
  // Nothing is recorded for a contact without tracking consent.
  const tracked = m.contactState === 0;
  const b = tracked ? m : NOTHING;
  const time = (all: number | null, humanOnly: number | null) => (tracked ? (human ? humanOnly : all) : null);
  switch (c.field) {
    case 'received':
      return (m.status === 'delivered') === c.value;
    case 'bounced':
      if (typeof c.value === 'string') return m.status === 'bounced' && m.bounceType === c.value;
      return (m.status === 'bounced') === c.value;
    case 'unsubscribed':
      return (m.unsubscribedAt !== null) === c.value;
    case 'complained':
      return (m.complainedAt !== null) === c.value;
    case 'opened':
      return opened(b) === c.value;
    case 'clicked':
      return clicked(b) === c.value;
    case 'opens':
      return compareNumbers(human ? b.humanOpens : b.opens, c.op, c.value as number);
    case 'clicks':
      return compareNumbers(human ? b.humanClicks : b.clicks, c.op, c.value as number);
    case 'clickedLink': {
      const link = tracked ? r.links[c.linkId!] : undefined;
      const clicks = link ? (human ? link.humanClicks : link.clicks) : 0;
      return c.op === 'is' ? clicks >= 1 === c.value : compareNumbers(clicks, c.op, c.value as number);
    }
    case 'firstOpenAt':
      return compareDates(time(m.firstOpenAt, m.firstHumanOpenAt), c.op, c.value, scope.now, false);
    case 'lastOpenAt':
      return compareDates(time(m.lastOpenAt, m.lastHumanOpenAt), c.op, c.value, scope.now, false);
    case 'firstClickAt':
      return compareDates(time(m.firstClickAt, m.firstHumanClickAt), c.op, c.value, scope.now, false);
    case 'lastClickAt':
      return compareDates(time(m.lastClickAt, m.lastHumanClickAt), c.op, c.value, scope.now, false);
    case 'contact.inList':
      return [c.value].flat().some((id) => r.contact.lists.includes(id as number));
    case 'contact.createdAt':
      return compareDates(r.contact.createdAt, c.op, c.value, scope.now, false);
    case 'contact.email': {
      const lower = (v: unknown) => (Array.isArray(v) ? v.map((s) => String(s).toLowerCase()) : String(v).toLowerCase());
      return compareText(r.contact.email, c.op, c.op === 'isEmpty' ? c.value : lower(c.value));
    }
    case 'contact.phone':
      return compareText(r.contact.phone, c.op, c.value);
    case 'contact.firstName':
      return compareText(r.contact.firstName, c.op, c.value);
    case 'contact.lastName':
      return compareText(r.contact.lastName, c.op, c.value);
    default:
      return customField(r.contact.fields[customFieldName(c.field)!], c.op, c.value, scope.now);
  }
}

export function matches(filter: FilterNode, recipient: RecipientFacts, scope: ReferenceScope): boolean {
  if (isNot(filter)) return !matches(filter.not, recipient, scope);
  if (isGroup(filter)) {
    return filter.match === 'all'
      ? filter.conditions.every((c) => matches(c, recipient, scope))
      : filter.conditions.some((c) => matches(c, recipient, scope));
  }
  if (isVariant(filter)) return recipient.message.variant === filter.variant;
  return condition(filter, recipient, scope);
}
