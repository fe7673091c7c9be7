import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Views with a contact condition at 1M recipients (docs/performance.md § Filters at 1M
 * and 10M). On PostgreSQL, trigram indexes (pg_trgm) answer `contains` and `startsWith`
 * on a contact's email and names: for a pattern of three characters or more the planner
 * takes the few matching contacts from the index and probes the view's index for each,
 * instead of probing a contact for every recipient the other conditions leave.
 * pg_trgm ships with PostgreSQL and is a trusted extension (the database's owner may
 * create it); a server without it keeps the filters as they are, only slower.
 * SQLite has no such index: a contact condition reads the contact of each recipient
 * that the behaviour conditions leave, by rowid.
 */
export const TRIGRAM_COLUMNS = ['email', 'first_name', 'last_name'] as const;

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect.name !== 'postgres') return;
  await sql`do $$ begin create extension if not exists pg_trgm; exception when others then null; end $$`.execute(db);
  const { rows } = await sql<{ n: number }>`select count(*) as n from pg_extension where extname = 'pg_trgm'`.execute(db);
  if (!Number(rows[0]?.n)) return;
  for (const column of TRIGRAM_COLUMNS) {
    await sql`create index ${sql.id(`contacts_${column}_trigrams`)} on contacts using gin (${sql.id(column)} gin_trgm_ops)`.execute(db);
  }
}
