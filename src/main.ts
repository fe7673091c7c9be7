#!/usr/bin/env node
import { buildApp } from './app.js';
import { createApiKey, listApiKeys, revokeApiKey } from './auth/apiKeys.js';
import { createUser, resetPassword } from './auth/users.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { resumeImports } from './contacts/importJobs.js';
import { createContext } from './context.js';
import { runDemo } from './demo.js';
import { migrate } from './db/migrate.js';
import { startScheduler, type Scheduler } from './scheduler/scheduler.js';
import { iso } from './http/schemas.js';
import { rebuildStats } from './tracking/counters.js';

const USAGE = `Usage: ricochet <command>
  serve [--no-worker]   API, web app, tracking and a sender on PORT
  worker                a sender only (any number of them on one PostgreSQL)
  migrate               apply database migrations
  apikey create <name>  print a new API key (alone on the last line)
  apikey list           list API keys
  apikey revoke <id>    revoke an API key
  demo                  fill the database with a demo account (5,000 contacts, sent campaigns, behaviour)
  user create <email>   create a web app user; prints the password (alone on the last line)
  user reset-password <email>
                        give a user a new password (alone on the last line)
  rebuild-stats <campaignId>
                        recompute a campaign's open and click counters from its events`;

/** Runs until SIGTERM/SIGINT, then stops the sender, flushes the server and closes the database. */
async function run(config: Config, options: { http: boolean; worker: boolean }): Promise<void> {
  const ctx = await createContext(config);
  const app = options.http ? await buildApp(ctx) : undefined;
  const sender: Scheduler | undefined = options.worker ? startScheduler(ctx) : undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    await sender?.stop();
    await ctx.jobs.stopAll();
    await app?.close();
    await ctx.store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (app) {
    await resumeImports(ctx);
    await app.listen({ port: config.port, host: config.host });
    app.log.info(`Ricochet is running at ${config.publicUrl}`);
  }
}

async function withContext<T>(config: Config, run: (ctx: Awaited<ReturnType<typeof createContext>>) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const ctx = await createContext(config, options);
  try {
    return await run(ctx);
  } finally {
    await ctx.store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, arg] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
      await run(config, { http: true, worker: !argv.includes('--no-worker') });
      return -1;
    case 'worker':
      await run(config, { http: false, worker: true });
      return -1;
    case 'migrate':
      return withContext(config, async (ctx) => {
        const applied = await migrate(ctx.store);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return 0;
      }, { migrate: false }); // the command's own run is the one that reports what it applied
    case 'apikey':
      return withContext(config, async (ctx) => {
        if (sub === 'create' && arg) {
          const { id, key } = await createApiKey(ctx.store, arg);
          console.log(`API key ${id} "${arg}" created. Keep it now: it is not shown again.`);
          console.log(key);
          return 0;
        }
        if (sub === 'list') {
          for (const k of await listApiKeys(ctx.store)) {
            console.log([k.id, k.name, `${k.prefix}…`, iso(k.created_at), k.revoked_at ? `revoked ${iso(k.revoked_at)}` : 'active'].join('\t'));
          }
          return 0;
        }
        if (sub === 'revoke' && arg && /^\d+$/.test(arg)) {
          await revokeApiKey(ctx.store, Number(arg));
          console.log(`API key ${arg} revoked`);
          return 0;
        }
        console.error(USAGE);
        return 2;
      });
    case 'demo': {
      const { url, email, password } = await runDemo(config);
      console.log(`\nStart Ricochet with \`npm start\`, open ${url} and sign in as ${email} with this password:`);
      console.log(password);
      return 0;
    }
    case 'user':
      return withContext(config, async (ctx) => {
        if (sub === 'create' && arg) {
          const user = await createUser(ctx.store, arg, Date.now());
          console.log(`User ${user.email} created. Sign in at ${config.publicUrl}/login with this password (it is not shown again):`);
          console.log(user.password);
          return 0;
        }
        if (sub === 'reset-password' && arg) {
          const password = await resetPassword(ctx.store, arg);
          if (!password) {
            console.error(`No user with the email ${arg}`);
            return 1;
          }
          console.log(`New password for ${arg} (it is not shown again):`);
          console.log(password);
          return 0;
        }
        console.error(USAGE);
        return 2;
      });
    case 'rebuild-stats':
      if (!sub || !/^\d+$/.test(sub)) {
        console.error(USAGE);
        return 2;
      }
      return withContext(config, async (ctx) => {
        const { messages, events } = await rebuildStats(ctx, Number(sub));
        console.log(`Campaign ${sub}: counters of ${messages} messages rebuilt from ${events} events`);
        return 0;
      });
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

/**
 * Not survived: an error nobody handled leaves state that cannot be trusted (a batch half
 * written, a lease held), so the process says what it was and exits for its supervisor to
 * restart it from the database, which is safe at any point. A database restart or failover
 * is handled where it arises (src/db/connection.ts) and never gets here. Only the stack is
 * printed: a database error's other fields can quote a row's values.
 */
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    console.error(`${event}: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exit(1);
  },
);
