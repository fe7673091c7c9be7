import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { likeEscape, type Dialect } from '../db/dialect.js';
import { customFieldName, isGroup, isNot, isVariant, type FilterCondition, type FilterNode } from './filter.js';

/**
 * Compiles a filter into one SQL boolean over `messages m` (and `contacts c` when a
 * contact field is used). Every value is a bound parameter; only column names and
 * operators chosen from fixed tables become SQL text.
 *
 * Every condition compiles to a two-valued expression (never NULL), so that NOT
 * always means "the condition does not hold", exactly as in the reference evaluator.
 */

export const DAY_MS = 86_400_000;

export interface CompileScope {
  dialect: Dialect;
  /** The view's switch: every open and click condition counts human events only. */
  human: boolean;
  now: number;
  /**
   * The bit of each link the filter names whose clicks the message masks hold (migration 012):
   * link id → 2^(position − 1). A link without one is read from message_links.
   */
  linkBits?: ReadonlyMap<number, number>;
}

export interface CompiledFilter {
  where: RawBuilder<SqlBool>;
  usesContacts: boolean;
}

/** Behaviour columns of messages: [all events, human events]. */
export const BEHAVIOUR_COLUMNS = {
  opens: ['opens', 'human_opens'],
  clicks: ['clicks', 'human_clicks'],
  firstOpenAt: ['first_open_at', 'first_human_open_at'],
  lastOpenAt: ['last_open_at', 'last_human_open_at'],
  firstClickAt: ['first_click_at', 'first_human_click_at'],
  lastClickAt: ['last_click_at', 'last_human_click_at'],
} as const;
export type BehaviourColumn = keyof typeof BEHAVIOUR_COLUMNS;

export const behaviourColumn = (alias: string, name: BehaviourColumn, human: boolean) =>
  sql.ref(`${alias}.${BEHAVIOUR_COLUMNS[name][human ? 1 : 0]}`);

/** Opened: at least one open, or a click (a click implies an open). */
const openedSql = (alias: string, human: boolean) =>
  sql<SqlBool>`(${behaviourColumn(alias, 'opens', human)} > 0 or ${behaviourColumn(alias, 'clicks', human)} > 0)`;
const clickedSql = (alias: string, human: boolean) => sql<SqlBool>`${behaviourColumn(alias, 'clicks', human)} > 0`;

const COMPARISONS: Record<string, { sql: string; holds: (a: number, b: number) => boolean }> = {
  eq: { sql: '=', holds: (a, b) => a === b },
  neq: { sql: '<>', holds: (a, b) => a !== b },
  gt: { sql: '>', holds: (a, b) => a > b },
  gte: { sql: '>=', holds: (a, b) => a >= b },
  lt: { sql: '<', holds: (a, b) => a < b },
  lte: { sql: '<=', holds: (a, b) => a <= b },
};

const compare = (column: Expression<unknown>, op: string, value: unknown) =>
  sql<SqlBool>`${column} ${sql.raw(COMPARISONS[op]!.sql)} ${value}`;

const not = (expression: Expression<SqlBool>) => sql<SqlBool>`not (${expression})`;
const is = (value: unknown, expression: Expression<SqlBool>) => (value === true ? sql<SqlBool>`${expression}` : not(expression));
const present = (column: Expression<unknown>, condition: Expression<SqlBool>) => sql<SqlBool>`(${column} is not null and ${condition})`;

/**
 * A behaviour condition of this campaign: a contact without tracking consent
 * (contact_state 1) has no recorded behaviour, so the condition holds for them
 * exactly when it holds for "nothing recorded".
 */
const TRACKED = sql<SqlBool>`m.contact_state = 0`;
const behaviour = (condition: Expression<SqlBool>, holdsForNothing: boolean) =>
  holdsForNothing ? sql<SqlBool>`(${condition} or m.contact_state <> 0)` : sql<SqlBool>`(${condition} and ${TRACKED})`;

const CONTACT_COLUMNS: Record<string, string> = {
  'contact.email': 'c.email',
  'contact.phone': 'c.phone',
  'contact.firstName': 'c.first_name',
  'contact.lastName': 'c.last_name',
};

export function compileFilter(filter: FilterNode, scope: CompileScope): CompiledFilter {
  const { dialect } = scope;
  let usesContacts = false;

  /** Dates as milliseconds (columns) or as ISO 8601 text (custom fields). */
  const dateCondition = (column: Expression<unknown>, op: string, value: unknown, asText: boolean) => {
    const bound = (ms: number) => (asText ? new Date(ms).toISOString() : ms);
    switch (op) {
      case 'before':
        return present(column, sql`${column} < ${bound(Date.parse(value as string))}`);
      case 'after':
        return present(column, sql`${column} > ${bound(Date.parse(value as string))}`);
      case 'between': {
        const [from, to] = (value as string[]).map((d) => bound(Date.parse(d)));
        return present(column, sql`${column} >= ${from} and ${column} <= ${to}`);
      }
      default:
        return present(column, sql`${column} >= ${bound(Math.round(scope.now - (value as number) * DAY_MS))}`);
    }
  };

  const stringCondition = (column: Expression<unknown>, op: string, value: unknown): RawBuilder<SqlBool> => {
    switch (op) {
      case 'eq':
        return present(column, sql`${column} = ${value}`);
      case 'neq':
        return not(stringCondition(column, 'eq', value));
      case 'contains':
        return present(column, dialect.ilike(column, `%${likeEscape(value as string)}%`));
      case 'startsWith':
        return present(column, dialect.ilike(column, `${likeEscape(value as string)}%`));
      case 'in':
        return present(column, dialect.oneOf(column, value as string[], 'text'));
      default: // isEmpty
        return value ? sql<SqlBool>`(${column} is null or ${column} = '')` : sql<SqlBool>`(${column} is not null and ${column} <> '')`;
    }
  };

  const customCondition = (name: string, op: string, value: unknown) => {
    const text = dialect.jsonText('c.fields', name);
    const number = dialect.jsonNumber('c.fields', name);
    if (op in COMPARISONS && typeof value === 'number') {
      const numeric = present(number, compare(number, op, value));
      return op === 'neq' ? not(present(number, compare(number, 'eq', value))) : numeric;
    }
    if (op === 'is') return present(text, sql`${text} = ${value ? '1' : '0'}`);
    if (['before', 'after', 'between', 'withinLastDays'].includes(op)) return dateCondition(text, op, value, true);
    return stringCondition(text, op, value);
  };

  /** Clicks on one link; a recipient without a row for it has 0 clicks on it. */
  const clickedLink = (c: FilterCondition, human: boolean) => {
    const [op, value] = c.op === 'is' ? [c.value ? 'gte' : 'lt', 1] : [c.op, c.value as number];
    const zeroHolds = COMPARISONS[op]!.holds(0, value);
    const bit = scope.linkBits?.get(c.linkId!);
    // When every count from 1 up answers alike, "clicked it at all" decides: one bit of the message's mask, no join.
    if (bit !== undefined && value <= (op === 'gte' || op === 'lt' ? 1 : 0)) {
      const oneHolds = COMPARISONS[op]!.holds(1, value);
      if (oneHolds === zeroHolds) return oneHolds ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
      const clickedIt = sql<SqlBool>`(${TRACKED} and (${sql.ref(human ? 'm.human_clicked_links' : 'm.clicked_links')} & ${bit}) <> 0)`;
      return oneHolds ? clickedIt : not(clickedIt);
    }
    const clicks = compare(sql.ref(human ? 'ml.human_clicks' : 'ml.clicks'), op, value);
    // When 0 clicks satisfy it, a recipient satisfies it unless a tracked row of theirs does not: an anti-join.
    const rows = sql<SqlBool>`ml.link_id = ${c.linkId} and ${zeroHolds ? not(clicks) : clicks}`;
    return dialect.memberOf(sql.ref('m.id'), 'ml.message_id', sql`message_links ml`, rows, zeroHolds, TRACKED);
  };

  const otherCampaign = (c: FilterCondition, human: boolean) => {
    const did =
      c.field === 'received'
        ? sql<SqlBool>`x.status = 'delivered'`
        : sql<SqlBool>`${c.field === 'opened' ? openedSql('x', human) : clickedSql('x', human)} and x.contact_state = 0`;
    const rows = sql<SqlBool>`x.campaign_id = ${c.campaignId} and ${did}`;
    return dialect.memberOf(sql.ref('m.contact_id'), 'x.contact_id', sql`messages x`, rows, c.value !== true);
  };

  const condition = (c: FilterCondition): RawBuilder<SqlBool> => {
    const human = scope.human || c.human === true;
    if (c.campaignId !== undefined) return otherCampaign(c, human);
    switch (c.field) {
      case 'received':
        return is(c.value, sql`m.status = 'delivered'`);
      case 'bounced':
        if (typeof c.value === 'string') return sql`(m.status = 'bounced' and coalesce(m.bounce_type, '') = ${c.value})`;
        return is(c.value, sql`m.status = 'bounced'`);
      case 'unsubscribed':
        return is(c.value, sql`m.unsubscribed_at is not null`);
      case 'complained':
        return is(c.value, sql`m.complained_at is not null`);
      case 'opened':
        return behaviour(is(c.value, openedSql('m', human)), c.value === false);
      case 'clicked':
        return behaviour(is(c.value, clickedSql('m', human)), c.value === false);
      case 'opens':
      case 'clicks':
        return behaviour(compare(behaviourColumn('m', c.field, human), c.op, c.value), COMPARISONS[c.op]!.holds(0, c.value as number));
      case 'clickedLink':
        return clickedLink(c, human);
      case 'firstOpenAt':
      case 'lastOpenAt':
      case 'firstClickAt':
      case 'lastClickAt':
        return behaviour(dateCondition(behaviourColumn('m', c.field, human), c.op, c.value, false), false);
      case 'contact.inList': {
        const lists = [c.value].flat() as number[];
        return dialect.memberOf(sql.ref('m.contact_id'), 'lm.contact_id', sql`list_members lm`, dialect.oneOf(sql.ref('lm.list_id'), lists, 'bigint'), false);
      }
      case 'contact.createdAt':
        usesContacts = true;
        return dateCondition(sql.ref('c.created_at'), c.op, c.value, false);
      default: {
        usesContacts = true;
        const custom = customFieldName(c.field);
        if (custom !== undefined) return customCondition(custom, c.op, c.value);
        const value = c.field === 'contact.email' && c.op !== 'isEmpty' ? lowerEmails(c.value) : c.value;
        return stringCondition(sql.ref(CONTACT_COLUMNS[c.field]!), c.op, value);
      }
    }
  };

  const node = (n: FilterNode): RawBuilder<SqlBool> => {
    if (isNot(n)) return not(node(n.not));
    if (isGroup(n)) {
      if (!n.conditions.length) return n.match === 'all' ? sql`1 = 1` : sql`1 = 0`;
      return sql`(${sql.join(n.conditions.map(node), sql.raw(n.match === 'all' ? ' and ' : ' or '))})`;
    }
    // The rest of an A/B audience has no variant until the winner is chosen.
    if (isVariant(n)) return present(sql.ref('m.variant'), sql`m.variant = ${n.variant}`);
    return condition(n);
  };

  const where = node(filter);
  return { where, usesContacts };
}

/** Emails are stored in lower case, so an email condition matches whatever the case typed. */
const lowerEmails = (value: unknown) => (Array.isArray(value) ? value.map((v) => String(v).toLowerCase()) : String(value).toLowerCase());
