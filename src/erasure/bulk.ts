import type { WorkspaceContext } from '../context.js';
import { liveContactIds } from '../contacts/bulk.js';
import { eraseContact } from './erase.js';

/** Erases a selection one contact at a time (each its own transaction and activity line), after checking every id is a contact here. */
export async function eraseContacts(ctx: WorkspaceContext, ids: number[]): Promise<{ erased: number }> {
  const live = await liveContactIds(ctx, ids);
  for (const id of live) await eraseContact(ctx, id);
  return { erased: live.length };
}
