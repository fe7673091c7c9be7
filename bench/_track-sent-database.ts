// A database holding the tracking benchmark's newsletter really sent (bench/_track-campaign.ts), for bench/_track-replay.ts to replay hits on copies of.
// `npx tsx bench/_track-sent-database.ts sqlite:/tmp/sent.db [recipients=10000]` (or a PostgreSQL URL of an empty database)
import { dirname } from 'node:path';
import { loadConfig } from '../src/config.js';
import { inWorkspace, Jobs } from '../src/context.js';
import { openStore } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { sendNewsletter } from './_track-campaign.js';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const url = process.argv[2]!;
const env = { DATABASE_URL: url, DATA_DIR: dirname(url.slice('sqlite:'.length)) || '/tmp', SECRET, LOG_LEVEL: 'silent' };
const config = loadConfig(env);
const store = openStore(config.databaseUrl);
const ctx = inWorkspace({ store, config, now: Date.now, secret: Buffer.from(SECRET), jobs: new Jobs() }, 1);
await migrate(store);
const sent = await sendNewsletter(ctx, env, Number(process.argv[3] ?? 10000));
console.log(`${sent.messageIds.length} messages sent in ${sent.seconds.toFixed(0)} s`);
await store.close();
