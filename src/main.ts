#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { recordAudit } from './audit/audit.js';
import { findApiKey, listApiKeys } from './auth/apiKeys.js';
import { allWorkspaces, findWorkspace, firstWorkspaceId } from './auth/members.js';
import { createUser, resetPassword } from './auth/users.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { resumeImports } from './contacts/importJobs.js';
import { createContext, inWorkspace, type AppContext } from './context.js';
import type { Role } from './db/schema.js';
import { ROLES } from './http/access.js';
import { migrate } from './db/migrate.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { iso } from './http/schemas.js';
import { rebuildStats } from './tracking/counters.js';
import { foldFailed, startFolder } from './tracking/fold.js';
import { createKey, revokeKey } from './workspaces/apiKeys.js';
import { createWorkspace } from './workspaces/workspaces.js';

const USAGE = `Usage: ricochet <command>
  serve [--no-worker]   API, web app, tracking and a sender on PORT
  worker                a sender only (any number of them on one PostgreSQL)
  migrate               apply database migrations
  workspace create <name>
                        create a workspace; prints its id (alone on the last line)
  workspace list        list workspaces (id, name)
  user create <email> [--workspace <id>] [--role <role>]
                        create a web app user, by default an owner of the first workspace;
                        prints the password (alone on the last line)
  user reset-password <email>
                        give a user a new password (alone on the last line)
  apikey create <name> [--workspace <id>] [--role <role>]
                        print a new API key, by default an admin key of the first workspace
                        (alone on the last line)
  apikey list [--workspace <id>]
                        list API keys (of every workspace unless one is named)
  apikey revoke <id> [--workspace <id>]
                        revoke an API key of the workspace (by default the first)
  demo                  fill the database with a demo account (5,000 contacts, sent campaigns, behaviour)
  rebuild-stats <campaignId> [--workspace <id>]
                        recompute a campaign's open and click counters from its events
Roles: ${ROLES.join(', ')}.`;

/** A command line that does not say what it means: the usage is printed and the exit code is 2. */
class UsageError extends Error {
  constructor(message?: string) {
    super(message ?? USAGE);
  }
}

/** A subcommand's arguments: its positionals and the named options it takes (each with a value). */
function cliArgs<const N extends string>(args: string[], names: readonly N[]): { positionals: string[]; values: Partial<Record<N, string>> } {
  try {
    const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
    return { positionals, values: values as Partial<Record<N, string>> };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

function roleOption(value: string | undefined): Role | undefined {
  if (value === undefined || (ROLES as readonly string[]).includes(value)) return value as Role | undefined;
  throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${value}"`);
}

/** --workspace's id, checked to exist; the first workspace without it. */
async function workspaceOption(ctx: AppContext, value: string | undefined): Promise<number> {
  if (value === undefined) return firstWorkspaceId(ctx.store);
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new UsageError(`--workspace must be a workspace id (a number), not "${value}"`);
  const workspace = await findWorkspace(ctx.store, Number(value));
  if (!workspace) throw new Error(`No workspace with the id ${value} (see \`ricochet workspace list\`)`);
  return workspace.id;
}

const consoleLine = (fields: object, message: string) => console.error(`${message} ${JSON.stringify(fields)}`);

/** Runs until SIGTERM/SIGINT, then stops the sender, flushes the server and closes the database. */
async function run(config: Config, options: { http: boolean; worker: boolean }): Promise<void> {
  const ctx = await createContext(config);
  // The server and the sender are loaded only by the commands that run them: one-shot commands start in a fraction of the time.
  const app = options.http ? await (await import('./app.js')).buildApp(ctx) : undefined;
  const sender: Scheduler | undefined = options.worker ? (await import('./scheduler/scheduler.js')).startScheduler(ctx) : undefined;
  // The server folds tracking events itself; a worker alone takes its turn too, so any set of processes keeps counters current.
  const folder = app ? undefined : startFolder(ctx, (error) => foldFailed({ warn: consoleLine, error: consoleLine }, error));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    await sender?.stop();
    await folder?.close();
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
    case 'workspace':
      return withContext(config, async (ctx) => {
        const { positionals } = cliArgs(argv.slice(2), []);
        if (sub === 'create' && positionals.length === 1) {
          const workspace = await createWorkspace(ctx, positionals[0]!);
          console.log(`Workspace "${workspace.name}" created. Add people with \`ricochet user create <email> --workspace ${workspace.id}\`. Its id:`);
          console.log(workspace.id);
          return 0;
        }
        if (sub === 'list' && positionals.length === 0) {
          for (const w of await allWorkspaces(ctx.store)) console.log(`${w.id}\t${w.name}`);
          return 0;
        }
        throw new UsageError();
      });
    case 'apikey':
      return withContext(config, async (ctx) => {
        if (sub === 'create') {
          const { positionals, values } = cliArgs(argv.slice(2), ['workspace', 'role']);
          if (positionals.length !== 1) throw new UsageError();
          const workspaceId = await workspaceOption(ctx, values.workspace);
          const key = await createKey(inWorkspace(ctx, workspaceId), positionals[0]!, roleOption(values.role) ?? 'admin');
          console.log(`API key ${key.id} "${key.name}" (${key.role}) created in workspace ${workspaceId}. Keep it now: it is not shown again.`);
          console.log(key.key);
          return 0;
        }
        if (sub === 'list') {
          const { positionals, values } = cliArgs(argv.slice(2), ['workspace']);
          if (positionals.length) throw new UsageError();
          const workspaces = values.workspace === undefined ? await allWorkspaces(ctx.store) : [{ id: await workspaceOption(ctx, values.workspace) }];
          for (const workspace of workspaces) {
            for (const k of await listApiKeys(ctx.store, workspace.id)) {
              const state = k.revoked_at ? `revoked ${iso(k.revoked_at)}` : 'active';
              console.log([k.id, `workspace ${workspace.id}`, k.name, k.role, `${k.prefix}…`, iso(k.created_at), state].join('\t'));
            }
          }
          return 0;
        }
        if (sub === 'revoke') {
          const { positionals, values } = cliArgs(argv.slice(2), ['workspace']);
          if (positionals.length !== 1 || !/^\d+$/.test(positionals[0]!)) throw new UsageError();
          // A key of another workspace is as unknown as a missing one, as over HTTP.
          const workspaceId = await workspaceOption(ctx, values.workspace);
          const key = await findApiKey(ctx.store, Number(positionals[0]));
          if (!key || key.revoked_at || key.workspace_id !== workspaceId) {
            console.error(`No active API key with the id ${positionals[0]} in workspace ${workspaceId}`);
            return 1;
          }
          await revokeKey(inWorkspace(ctx, workspaceId), key.id);
          console.log(`API key ${key.id} "${key.name}" revoked`);
          return 0;
        }
        throw new UsageError();
      });
    case 'demo': {
      const { url, email, password } = await (await import('./demo.js')).runDemo(config);
      console.log(`\nStart Ricochet with \`npm start\`, open ${url} and sign in as ${email} with this password:`);
      console.log(password);
      return 0;
    }
    case 'user':
      return withContext(config, async (ctx) => {
        if (sub === 'create') {
          const { positionals, values } = cliArgs(argv.slice(2), ['workspace', 'role']);
          if (positionals.length !== 1) throw new UsageError();
          const workspaceId = await workspaceOption(ctx, values.workspace);
          const user = await createUser(ctx.store, positionals[0]!, ctx.now(), { workspaceId, role: roleOption(values.role) ?? 'owner' });
          await recordAudit(inWorkspace(ctx, workspaceId), { action: 'member.join', objectType: 'user', objectId: user.id, details: { email: user.email, role: user.role } });
          console.log(`User ${user.email} created (${user.role} of workspace ${workspaceId}). Sign in at ${config.publicUrl}/login with this password (it is not shown again):`);
          console.log(user.password);
          return 0;
        }
        if (sub === 'reset-password' && arg && argv.length === 3) {
          const password = await resetPassword(ctx.store, arg);
          if (!password) {
            console.error(`No user with the email ${arg}`);
            return 1;
          }
          console.log(`New password for ${arg} (it is not shown again):`);
          console.log(password);
          return 0;
        }
        throw new UsageError();
      });
    case 'rebuild-stats':
      return withContext(config, async (ctx) => {
        const { positionals, values } = cliArgs(argv.slice(1), ['workspace']);
        if (positionals.length !== 1 || !/^\d+$/.test(positionals[0]!)) throw new UsageError();
        const { messages, events } = await rebuildStats(inWorkspace(ctx, await workspaceOption(ctx, values.workspace)), Number(positionals[0]));
        console.log(`Campaign ${positionals[0]}: counters of ${messages} messages rebuilt from ${events} events`);
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
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exit(1);
  },
);
