// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, currentWorkspaceId, setCsrfToken, setWorkspaceId } from './api';
import { loadSession } from './session';
import type { Session } from './types';

const session = (workspaceId: number): Session => ({
  user: { id: 1, email: 'owner@example.test' },
  csrfToken: `token-${workspaceId}`,
  publicUrl: 'http://localhost',
  smsStopText: 'STOP',
  workspace: { id: workspaceId, name: `Brand ${workspaceId}`, role: 'owner', rights: ['read', 'edit', 'send', 'export', 'manage'] },
  workspaces: [
    { id: 1, name: 'Brand 1', role: 'owner' },
    { id: workspaceId, name: `Brand ${workspaceId}`, role: 'owner' },
  ],
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The calls the app made: path and the X-Workspace it named. */
let calls: { method: string; path: string; workspace: string | undefined; csrf: string | undefined }[];

function serve(handler: (path: string, workspace: string | undefined) => Response) {
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ method: init.method ?? 'GET', path, workspace: headers['x-workspace'], csrf: headers['x-csrf-token'] });
    return handler(path, headers['x-workspace']);
  });
}

describe('the workspace the app acts in', () => {
  beforeEach(() => {
    calls = [];
    localStorage.clear();
    setWorkspaceId(undefined);
    setCsrfToken(undefined);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('names the remembered workspace on the session and on every later call, and keeps the one the server resolved', async () => {
    setWorkspaceId(7);
    expect(localStorage.getItem('ricochet.workspace')).toBe('7');
    serve((path, workspace) => (path === '/api/session' ? json(200, session(Number(workspace))) : json(200, [])));
    const loaded = await loadSession();
    expect(loaded?.workspace?.name).toBe('Brand 7');
    await api('POST', '/api/lists', { name: 'VIP' });
    expect(calls).toEqual([
      { method: 'GET', path: '/api/session', workspace: '7', csrf: undefined },
      { method: 'POST', path: '/api/lists', workspace: '7', csrf: 'token-7' },
    ]);
  });

  it('takes the default workspace (and remembers it) when none was chosen', async () => {
    serve((_, workspace) => json(200, session(workspace ? Number(workspace) : 3)));
    const loaded = await loadSession();
    expect(calls.map((c) => c.workspace)).toEqual([undefined]);
    expect(loaded?.workspace?.id).toBe(3);
    expect(currentWorkspaceId()).toBe(3);
    expect(localStorage.getItem('ricochet.workspace')).toBe('3');
  });

  it('falls back to the default when the remembered workspace is gone (404), instead of failing', async () => {
    setWorkspaceId(9);
    serve((_, workspace) => (workspace === '9' ? json(404, { error: { code: 'not_found', message: 'Workspace not found' } }) : json(200, session(1))));
    const loaded = await loadSession();
    expect(calls.map((c) => c.workspace)).toEqual(['9', undefined]);
    expect(loaded?.workspace?.id).toBe(1);
    expect(localStorage.getItem('ricochet.workspace')).toBe('1');
  });

  it('answers null when signed out, and forgets no workspace for that', async () => {
    setWorkspaceId(4);
    serve(() => json(401, { error: { code: 'unauthorized', message: 'Sign in' } }));
    expect(await loadSession()).toBeNull();
    expect(calls).toHaveLength(1);
    expect(currentWorkspaceId()).toBe(4);
  });
});
