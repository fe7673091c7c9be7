/**
 * How the sender batches an SMS campaign. An SMS takes microseconds on the wire,
 * so the database's work per batch (lease, load, short links, hold) and per
 * outcome group (one transaction, one commit) sets the pace: SMS go in batches
 * 4 times as large as email and their outcomes in groups 5 times as large (1,000
 * and 250 with the sender's defaults; on PostgreSQL this took a campaign through
 * the worker from 240 to 390 SMS/s, docs/performance.md). A crash can send again
 * at most one group and the SMS in flight.
 */
export function smsBatching(options: { batchSize: number; writeEvery: number }): { batchSize: number; writeEvery: number } {
  return { batchSize: options.batchSize * 4, writeEvery: options.writeEvery * 5 };
}
