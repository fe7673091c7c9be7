import { Type, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { badRequest } from '../http/errors.js';

/**
 * Advanced filters (SPEC §3): the JSON AST, its one TypeBox schema, and the
 * validator that names the JSON path of the first offending node.
 *
 * A node is a condition `{ field, op, value, … }`, a group `{ match: "all" | "any",
 * conditions: [...] }`, a negation `{ not: node }` or an A/B variant `{ variant: "A" }`. The meaning of every field and
 * operator is defined by the reference evaluator (reference.ts) and compiled to SQL
 * by compile.ts.
 */

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

export interface FilterGroup {
  match: 'all' | 'any';
  conditions: FilterNode[];
}
export interface FilterNot {
  not: FilterNode;
}
export interface FilterCondition {
  field: string;
  op: string;
  value: unknown;
  /** Open and click conditions: count human events only. */
  human?: boolean;
  /** clickedLink: which link of the campaign. */
  linkId?: number;
  /** opened / clicked / received in another campaign. */
  campaignId?: number;
}
/** `{ variant: "A" }`: recipients of that A/B variant (SPEC §11). */
export interface FilterVariant {
  variant: string;
}
export type FilterNode = FilterGroup | FilterNot | FilterCondition | FilterVariant;

/** Ids a filter mentions, with where, so that they can be checked against the campaign. */
export interface FilterReference {
  kind: 'link' | 'campaign' | 'list';
  id: number;
  path: string;
}

/** A filter that passed parseFilter: its tree, and the ids it names, still to be checked against the campaign. */
export interface ParsedFilter {
  filter: FilterNode;
  references: FilterReference[];
}

const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const DateText = Type.String({ pattern: ISO_DATE, description: 'ISO 8601 date, or date and time with a zone' });
const Text = Type.String({ maxLength: 1000 });
const SomeText = Type.String({ minLength: 1, maxLength: 1000 });
const Id = Type.Integer({ minimum: 1 });

/** Operators by kind of field, each group with the value it takes. */
const OPERATORS = {
  boolean: [{ ops: ['is'], value: Type.Boolean() }],
  bounce: [{ ops: ['is'], value: Type.Union([Type.Boolean(), Type.Literal('hard'), Type.Literal('soft')]) }],
  count: [{ ops: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'], value: Type.Integer({ minimum: 0 }) }],
  link: [
    { ops: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'], value: Type.Integer({ minimum: 0 }) },
    { ops: ['is'], value: Type.Boolean() },
  ],
  date: [
    { ops: ['before', 'after'], value: DateText },
    { ops: ['between'], value: Type.Tuple([DateText, DateText]) },
    { ops: ['withinLastDays'], value: Type.Number({ exclusiveMinimum: 0, maximum: 36500 }) },
  ],
  string: [
    { ops: ['eq', 'neq'], value: Text },
    { ops: ['contains', 'startsWith'], value: SomeText },
    { ops: ['in'], value: Type.Array(Text, { minItems: 1, maxItems: 1000 }) },
    { ops: ['isEmpty'], value: Type.Boolean() },
  ],
  custom: [
    { ops: ['eq', 'neq'], value: Type.Union([Text, Type.Number()]) },
    { ops: ['gt', 'gte', 'lt', 'lte'], value: Type.Number() },
    { ops: ['contains', 'startsWith'], value: SomeText },
    { ops: ['in'], value: Type.Array(Text, { minItems: 1, maxItems: 1000 }) },
    { ops: ['isEmpty', 'is'], value: Type.Boolean() },
    { ops: ['before', 'after'], value: DateText },
    { ops: ['between'], value: Type.Tuple([DateText, DateText]) },
    { ops: ['withinLastDays'], value: Type.Number({ exclusiveMinimum: 0, maximum: 36500 }) },
  ],
  list: [
    { ops: ['eq'], value: Id },
    { ops: ['in'], value: Type.Array(Id, { minItems: 1, maxItems: 100 }) },
  ],
} satisfies Record<string, Array<{ ops: string[]; value: TSchema }>>;
type Kind = keyof typeof OPERATORS;

interface FieldSpec {
  kind: Kind;
  /** Open/click fields accept `human`. */
  human?: boolean;
  /** Properties the condition must carry besides field, op and value. */
  extra?: Record<string, TSchema>;
}

const BEHAVIOUR_FIELDS: Record<string, FieldSpec> = {
  received: { kind: 'boolean' },
  bounced: { kind: 'bounce' },
  opened: { kind: 'boolean', human: true },
  opens: { kind: 'count', human: true },
  clicked: { kind: 'boolean', human: true },
  clicks: { kind: 'count', human: true },
  clickedLink: { kind: 'link', human: true, extra: { linkId: Id } },
  firstOpenAt: { kind: 'date', human: true },
  lastOpenAt: { kind: 'date', human: true },
  firstClickAt: { kind: 'date', human: true },
  lastClickAt: { kind: 'date', human: true },
  unsubscribed: { kind: 'boolean' },
  complained: { kind: 'boolean' },
};
/** `{ field: "opened" | "clicked" | "received", campaignId }`: behaviour in another campaign. */
const CROSS_CAMPAIGN_FIELDS: Record<string, FieldSpec> = {
  received: { kind: 'boolean', extra: { campaignId: Id } },
  opened: { kind: 'boolean', human: true, extra: { campaignId: Id } },
  clicked: { kind: 'boolean', human: true, extra: { campaignId: Id } },
};
const CONTACT_FIELDS: Record<string, FieldSpec> = {
  'contact.email': { kind: 'string' },
  'contact.phone': { kind: 'string' },
  'contact.firstName': { kind: 'string' },
  'contact.lastName': { kind: 'string' },
  'contact.createdAt': { kind: 'date' },
  'contact.inList': { kind: 'list' },
};
/** Same rule as custom field names on contacts. */
const CUSTOM_FIELD = /^contact\.fields\.([\p{L}\p{N}_][\p{L}\p{N} _.-]{0,63})$/u;
const CUSTOM_FIELD_SPEC: FieldSpec = { kind: 'custom' };

export const customFieldName = (field: string) => CUSTOM_FIELD.exec(field)?.[1];

function fieldSpec(condition: Record<string, unknown>): FieldSpec | undefined {
  const field = condition.field as string;
  if ('campaignId' in condition && field in CROSS_CAMPAIGN_FIELDS) return CROSS_CAMPAIGN_FIELDS[field];
  return BEHAVIOUR_FIELDS[field] ?? CONTACT_FIELDS[field] ?? (CUSTOM_FIELD.test(field) ? CUSTOM_FIELD_SPEC : undefined);
}

/** The schema of one condition of a field for one group of operators. */
function conditionSchema(field: TSchema, spec: FieldSpec, group: { ops: string[]; value: TSchema }) {
  return Type.Object(
    {
      field,
      op: group.ops.length === 1 ? Type.Literal(group.ops[0]!) : Type.Union(group.ops.map((op) => Type.Literal(op))),
      value: group.value,
      ...spec.extra,
      ...(spec.human && { human: Type.Optional(Type.Boolean()) }),
    },
    { additionalProperties: false },
  );
}

const variants = (fields: Record<string, FieldSpec>) =>
  Object.entries(fields).flatMap(([name, spec]) => OPERATORS[spec.kind].map((g) => conditionSchema(Type.Literal(name), spec, g)));

const GroupShape = Type.Object(
  { match: Type.Union([Type.Literal('all'), Type.Literal('any')]), conditions: Type.Array(Type.Unknown(), { maxItems: MAX_CONDITIONS }) },
  { additionalProperties: false },
);
const NotShape = Type.Object({ not: Type.Unknown() }, { additionalProperties: false });
const VariantShape = Type.Object(
  { variant: Type.Union(['A', 'B', 'C', 'D'].map((key) => Type.Literal(key)), { description: 'An A/B variant key, A to D' }) },
  { additionalProperties: false },
);

/** The whole filter language as one schema: validation pieces below, and the OpenAPI contract. */
export const FilterSchema = Type.Recursive(
  (This) =>
    Type.Union([
      Type.Object({ match: GroupShape.properties.match, conditions: Type.Array(This, { maxItems: MAX_CONDITIONS }) }, { additionalProperties: false }),
      Type.Object({ not: This }, { additionalProperties: false }),
      VariantShape,
      ...variants(BEHAVIOUR_FIELDS),
      ...variants(CROSS_CAMPAIGN_FIELDS),
      ...variants(CONTACT_FIELDS),
      ...OPERATORS.custom.map((g) => conditionSchema(Type.String({ pattern: CUSTOM_FIELD.source }), CUSTOM_FIELD_SPEC, g)),
    ]),
  {
    $id: 'Filter',
    title: 'Filter',
    description: `An advanced filter (SPEC §3): a condition, { match, conditions } or { not }; at most ${MAX_DEPTH} levels and ${MAX_CONDITIONS} conditions.`,
  },
);

function schemaError(schema: TSchema, value: unknown, at: string): never {
  const error = Value.Errors(schema, value).First()!;
  const path = at + error.path.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  const message =
    error.type === ValueErrorType.StringPattern && error.schema.pattern === ISO_DATE
      ? 'must be an ISO 8601 date such as 2025-03-01 or 2025-03-01T09:30:00Z'
      : error.message.charAt(0).toLowerCase() + error.message.slice(1);
  throw badRequest(`${path}: ${message}`, path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a filter against the schema and the limits, answering it typed together
 * with the ids it mentions; any problem is a 400 naming the JSON path of the node
 * (`at` is the filter's own path: `$` in a query string, `$.filter` in a body).
 */
export function parseFilter(input: unknown, at = '$'): ParsedFilter {
  let conditions = 0;
  const references: FilterReference[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw badRequest(`${path}: filters nest at most ${MAX_DEPTH} levels deep`, path);
    if (!isObject(node)) throw badRequest(`${path}: must be an object: a condition, { match, conditions } or { not }`, path);
    if ('match' in node || 'conditions' in node) {
      if (!Value.Check(GroupShape, node)) schemaError(GroupShape, node, path);
      (node.conditions as unknown[]).forEach((child, i) => visit(child, `${path}.conditions[${i}]`, depth + 1));
      return;
    }
    if ('not' in node) {
      if (!Value.Check(NotShape, node)) schemaError(NotShape, node, path);
      visit(node.not, `${path}.not`, depth + 1);
      return;
    }
    if ('variant' in node) {
      if (++conditions > MAX_CONDITIONS) throw badRequest(`${path}: a filter holds at most ${MAX_CONDITIONS} conditions`, path);
      if (!Value.Check(VariantShape, node)) {
        const extra = Object.keys(node).find((k) => k !== 'variant');
        if (extra !== undefined) throw badRequest(`${path}.${extra}: a variant condition holds only { variant }`, `${path}.${extra}`);
        throw badRequest(`${path}.variant: must be a variant key, A to D`, `${path}.variant`);
      }
      return;
    }
    if (!('field' in node)) throw badRequest(`${path}: must be a condition { field, op, value }, a group { match, conditions }, { not } or { variant }`, path);
    if (++conditions > MAX_CONDITIONS) throw badRequest(`${path}: a filter holds at most ${MAX_CONDITIONS} conditions`, path);
    if (typeof node.field !== 'string') throw badRequest(`${path}.field: must be a string`, `${path}.field`);
    const spec = fieldSpec(node);
    if (!spec) throw badRequest(`${path}.field: unknown field "${node.field}"`, `${path}.field`);
    const groups = OPERATORS[spec.kind];
    const group = groups.find((g) => g.ops.includes(node.op as string));
    if (!group) {
      const ops = groups.flatMap((g) => g.ops).join(', ');
      throw badRequest(`${path}.op: ${node.field} takes one of ${ops}`, `${path}.op`);
    }
    const condition = node as unknown as FilterCondition;
    const schema = conditionSchema(Type.Any(), spec, group);
    if (!Value.Check(schema, node)) schemaError(schema, node, path);
    const dates = spec.kind === 'date' || spec.kind === 'custom' ? [condition.value].flat().filter((v) => typeof v === 'string') : [];
    if (['before', 'after', 'between'].includes(condition.op) && dates.some((d) => Number.isNaN(Date.parse(d)))) {
      throw badRequest(`${path}.value: is not a real date`, `${path}.value`);
    }
    if (condition.linkId !== undefined) references.push({ kind: 'link', id: condition.linkId, path: `${path}.linkId` });
    if (condition.campaignId !== undefined) references.push({ kind: 'campaign', id: condition.campaignId, path: `${path}.campaignId` });
    if (condition.field === 'contact.inList') {
      for (const id of [condition.value].flat() as number[]) references.push({ kind: 'list', id, path: `${path}.value` });
    }
  };
  visit(input, at, 1);
  return { filter: input as FilterNode, references };
}

/** Parses the `filter` query parameter: URL-decoded JSON text. */
export function parseFilterText(text: string | undefined): ParsedFilter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('query.filter is not valid JSON', 'query.filter');
  }
  return parseFilter(json, '$');
}

export const isGroup = (node: FilterNode): node is FilterGroup => 'match' in node;
export const isNot = (node: FilterNode): node is FilterNot => 'not' in node;
export const isVariant = (node: FilterNode): node is FilterVariant => 'variant' in node;
