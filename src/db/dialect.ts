import { sql, type ColumnDataType, type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';

/**
 * Every difference between SQLite and PostgreSQL lives here; nothing else in
 * Ricochet branches on the database. Upserts use Kysely's onConflict, which both
 * dialects share.
 */
export interface Dialect {
  name: 'sqlite' | 'postgres';
  /** Column type for JSON documents. */
  jsonType: ColumnDataType;
  /** Value to write into a JSON column. */
  writeJson(value: unknown): unknown;
  /** Value read from a JSON column, as a JS value. */
  readJson(value: unknown): unknown;
  /** A custom field of a JSON column as text (null when absent). The key is a bound parameter. */
  jsonText(column: Expression<unknown> | string, key: string): RawBuilder<string | null>;
  /** A custom field as a number (null when absent or not a number). */
  jsonNumber(column: Expression<unknown> | string, key: string): RawBuilder<number | null>;
  /** A JSON object with the keys of `patch` set over those of `column` (patch never null). */
  jsonMerge(column: Expression<unknown> | string, patch: Expression<unknown>): RawBuilder<unknown>;
  /** Case-insensitive LIKE. */
  ilike(column: Expression<unknown> | string, pattern: string): RawBuilder<boolean>;
  /** Lock the selected rows so that concurrent workers skip them (no-op on SQLite: one writer). */
  skipLocked<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Largest number of bound parameters a single statement may carry. */
  maxParameters: number;
  /**
   * Whether `outerCondition` holds and `outer` is among the `key` values of the rows
   * of `from` that satisfy `where` (negated: not both), written the way each engine
   * runs it fastest over large sets: SQLite materialises an uncorrelated IN list
   * once, where a correlated EXISTS would be probed row by row; PostgreSQL plans a
   * correlated [NOT] EXISTS as a hash (semi/anti-)join, where a NOT IN list larger
   * than work_mem is rescanned per row (the outer condition goes inside the EXISTS,
   * so that the anti-join is still recognised). `key` must be a NOT NULL column.
   */
  memberOf(
    outer: Expression<unknown>,
    key: string,
    from: RawBuilder<unknown>,
    where: Expression<SqlBool>,
    negate: boolean,
    outerCondition?: Expression<SqlBool>,
  ): RawBuilder<SqlBool>;
  /**
   * Whether `column` equals one of `values`, however many (a filter may hold 50,000):
   * PostgreSQL gets them as one array parameter (`= any`) whose values its planner
   * sees, so a few still use an index. SQLite binds up to 100 one by one and sends
   * more as one JSON parameter: it plans `in (select … from json_each(?))` as 25
   * values whatever their number, which would turn a lookup of a few emails into a
   * scan of the campaign.
   */
  oneOf(column: Expression<unknown>, values: ReadonlyArray<string | number>, type: 'text' | 'bigint'): RawBuilder<SqlBool>;
  /**
   * `column in (subquery)` for a subquery of a few ids. PostgreSQL plans `in` as a hash
   * semi-join over a scan of the whole table; `= any(array(…))` runs the subquery once
   * and looks the ids up in the index.
   */
  amongIds(column: Expression<unknown>, ids: Expression<unknown>): RawBuilder<SqlBool>;
  /**
   * A derived table of `rows` sent as one JSON parameter, with the given columns
   * (names are ours, never a user's): a batched write is then one short constant
   * statement whatever the number of rows, instead of one parameter per value.
   */
  jsonRows(rows: readonly object[], columns: Record<string, JsonRowType>): RawBuilder<unknown>;
  /**
   * Runs independent writes (to different tables, none reading another's rows)
   * as one atomic unit: a transaction on SQLite; on PostgreSQL one statement
   * chaining them as data-modifying WITH clauses, so one round trip and no
   * BEGIN/COMMIT exchange.
   */
  writeAtomically(db: Kysely<any>, writes: Array<RawBuilder<unknown>>): Promise<void>;
  /**
   * After an erasure, drops the old copies of rows that the database keeps in its
   * own files: SQLite's write-ahead log still holds the pages as they were until a
   * checkpoint empties it (secure_delete, set on open, zeroes them in the database
   * file). PostgreSQL's files are the server's, outside DATA_DIR.
   */
  forgetOldRowVersions(db: Kysely<any>): Promise<void>;
  /** The tracking event log in commit order (migration 011, src/tracking/fold.ts). */
  log: {
    /**
     * A condition for the statement that appends events: holding it, the statement
     * waits for any other append to commit first, so event ids are in commit order
     * and the folder's position (an id) never passes an event committed later.
     * PostgreSQL: a transaction-scoped advisory lock, taken by a one-time filter
     * before the first row gets its id. SQLite: its single writer already does it.
     */
    appendInOrder: RawBuilder<SqlBool>;
    /**
     * Takes the folder's position row for the current transaction (`db` is one): held
     * until it ends, so one process folds at a time. Answers the position (the last
     * event id folded); without `wait`, undefined when another process holds it
     * (PostgreSQL; SQLite waits for its single writer).
     */
    claim(db: Kysely<any>, wait: boolean): Promise<number | undefined>;
  };
}

export type JsonRowType = 'bigint' | 'integer' | 'text' | 'jsonb';

const ref = (column: Expression<unknown> | string) => (typeof column === 'string' ? sql.ref(column) : column);

/** JSON path for SQLite's json_extract with the key quoted, so no key can escape it. */
const sqlitePath = (key: string) => `$."${key.replace(/["\\]/g, '')}"`;

/** The folder's position from its row (bigint columns may come back as text). */
const positionOf = (row: { folded_id: number | string } | undefined) => (row ? Number(row.folded_id) : undefined);

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  jsonType: 'text',
  writeJson: (value) => JSON.stringify(value ?? null),
  readJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  jsonText: (column, key) => sql<string | null>`cast(json_extract(${ref(column)}, ${sqlitePath(key)}) as text)`,
  jsonNumber: (column, key) =>
    sql<number | null>`(case when json_type(${ref(column)}, ${sqlitePath(key)}) in ('integer', 'real') then json_extract(${ref(column)}, ${sqlitePath(key)}) end)`,
  jsonMerge: (column, patch) => sql`json_patch(${ref(column)}, ${patch})`,
  ilike: (column, pattern) => sql<boolean>`${ref(column)} like ${pattern} escape '\\'`,
  skipLocked: (query) => query,
  maxParameters: 32000,
  memberOf: (outer, key, from, where, negate, outerCondition) => {
    const member = sql<SqlBool>`${outer} in (select ${sql.ref(key)} from ${from} where ${where})`;
    const both = outerCondition ? sql<SqlBool>`(${outerCondition} and ${member})` : member;
    return negate ? sql<SqlBool>`not ${both}` : both;
  },
  amongIds: (column, ids) => sql<SqlBool>`${column} in (${ids})`,
  oneOf: (column, values) =>
    values.length <= 100
      ? sql<SqlBool>`${column} in (${sql.join(values)})`
      : sql<SqlBool>`${column} in (select value from json_each(${JSON.stringify(values)}))`,
  jsonRows: (rows, columns) =>
    sql`(select ${sql.join(Object.keys(columns).map((c) => sql`value ->> ${c} as ${sql.ref(c)}`))} from json_each(${JSON.stringify(rows)}))`,
  writeAtomically: (db, writes) =>
    db.transaction().execute(async (trx) => {
      for (const write of writes) await write.execute(trx);
    }),
  forgetOldRowVersions: async (db) => {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  },
  log: {
    appendInOrder: sql<SqlBool>`1 = 1`,
    // A write first: the transaction takes the writer's lock at once, instead of reading and failing to upgrade after another process wrote.
    claim: async (db) => positionOf(await db.updateTable('tracking_folder').set({ name: sql`name` }).where('name', '=', 'events').returning(['folded_id']).executeTakeFirst()),
  },
};

/** The advisory lock key of appends to the event log ("RCHTLOG1"), the same in every process. */
const LOG_APPEND_LOCK = String(0x524348544c4f4731n);

export const postgresDialect: Dialect = {
  name: 'postgres',
  jsonType: 'jsonb',
  writeJson: (value) => JSON.stringify(value ?? null),
  readJson: (value) => value,
  jsonText: (column, key) =>
    sql<string | null>`(case when jsonb_typeof(${ref(column)} -> ${key}) = 'boolean' then (case when (${ref(column)} ->> ${key})::boolean then '1' else '0' end) else ${ref(column)} ->> ${key} end)`,
  jsonNumber: (column, key) =>
    sql<number | null>`(case when jsonb_typeof(${ref(column)} -> ${key}) = 'number' then (${ref(column)} ->> ${key})::double precision end)`,
  jsonMerge: (column, patch) => sql`(${ref(column)} || cast(${patch} as jsonb))`,
  ilike: (column, pattern) => sql<boolean>`${ref(column)} ilike ${pattern} escape '\\'`,
  skipLocked: (query) => query.forUpdate().skipLocked(),
  maxParameters: 30000,
  memberOf: (outer, key, from, where, negate, outerCondition) =>
    sql<SqlBool>`${sql.raw(negate ? 'not exists' : 'exists')} (select 1 from ${from} where ${where} and ${sql.ref(key)} = ${outer}${outerCondition ? sql` and ${outerCondition}` : sql``})`,
  oneOf: (column, values, type) => sql<SqlBool>`${column} = any(cast(${values} as ${sql.raw(type)}[]))`,
  amongIds: (column, ids) => sql<SqlBool>`${column} = any(array(${ids}))`,
  jsonRows: (rows, columns) =>
    sql`(select * from json_to_recordset(cast(${JSON.stringify(rows)} as json)) as r(${sql.join(Object.entries(columns).map(([c, type]) => sql`${sql.ref(c)} ${sql.raw(type)}`))}))`,
  writeAtomically: async (db, writes) => {
    const last = writes[writes.length - 1];
    if (!last) return;
    const before = writes.slice(0, -1).map((write, i) => sql`${sql.raw(`w${i}`)} as (${write})`);
    await (before.length ? sql`with ${sql.join(before)} ${last}` : last).execute(db);
  },
  forgetOldRowVersions: async () => {},
  log: {
    appendInOrder: sql<SqlBool>`(select true from (select pg_advisory_xact_lock(${sql.raw(LOG_APPEND_LOCK)})) as appending)`,
    claim: async (db, wait) => {
      const row = db.selectFrom('tracking_folder').select(['folded_id']).where('name', '=', 'events').forUpdate();
      return positionOf(await (wait ? row : row.skipLocked()).executeTakeFirst());
    },
  },
};

/** Escapes LIKE wildcards in user input so that it matches literally. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}
