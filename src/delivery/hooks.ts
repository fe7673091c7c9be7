import type { AppContext } from '../http/context.js';

/**
 * Due auto-relaunches (src/audience/autoRelaunch.ts) are the audience
 * feature's; the sender calls them every ~30 s when that module is present.
 */
export type RunDueAutoRelaunches = (ctx: AppContext) => Promise<number>;

let loaded: Promise<RunDueAutoRelaunches | undefined> | undefined;

export function autoRelaunchHook(): Promise<RunDueAutoRelaunches | undefined> {
  const specifier = '../audience/autoRelaunch.js';
  loaded ??= import(specifier).then(
    (module: { runDueAutoRelaunches?: RunDueAutoRelaunches }) => module.runDueAutoRelaunches,
    (error: { code?: string }) => {
      if (error.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String(error))) return undefined;
      throw error;
    },
  );
  return loaded;
}
