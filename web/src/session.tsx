import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, api, currentWorkspaceId, setCsrfToken, setWorkspaceId, whenSignedOut } from './api';
import type { Right, Session } from './types';

const SESSION_KEY = ['session'];

/** Reads the session in the remembered workspace; one that is gone (removed, or another user's) falls back to the default. */
export async function loadSession(): Promise<Session | null> {
  try {
    return adopt(await api<Session>('GET', '/api/session'));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return null;
    if (error.status === 404 && currentWorkspaceId() !== undefined) {
      setWorkspaceId(undefined);
      return loadSession();
    }
    throw error;
  }
}

/** Takes a session answer as the current one: its CSRF token and the workspace the server resolved. */
function adopt(session: Session): Session {
  setCsrfToken(session.csrfToken);
  setWorkspaceId(session.workspace?.id);
  return session;
}

/** Nothing of one workspace (or user) stays in memory for the next one. */
function forgetData(client: QueryClient) {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
}

/** The signed-in user, or null; undefined while loading. */
export function useSession(): Session | null | undefined {
  const client = useQueryClient();
  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(undefined);
      client.setQueryData(SESSION_KEY, null);
    });
  }, [client]);
  const { data } = useQuery({ queryKey: SESSION_KEY, queryFn: loadSession, staleTime: Infinity });
  return data;
}

export function useSignIn() {
  const client = useQueryClient();
  return async (email: string, password: string) => {
    let session: Session;
    try {
      session = await api<Session>('POST', '/api/session', { email, password });
    } catch (error) {
      // The workspace remembered here may be another user's: sign in to this one's default.
      if (!(error instanceof ApiError && error.status === 404 && currentWorkspaceId() !== undefined)) throw error;
      setWorkspaceId(undefined);
      session = await api<Session>('POST', '/api/session', { email, password });
    }
    forgetData(client);
    client.setQueryData(SESSION_KEY, adopt(session));
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api('DELETE', '/api/session').catch(() => {});
    setCsrfToken(undefined);
    client.setQueryData(SESSION_KEY, null);
    forgetData(client);
  };
}

/** A session the server just opened (an accepted invitation): the app continues in it. */
export function useStartSession() {
  const client = useQueryClient();
  return useCallback(
    (session: Session) => {
      forgetData(client);
      client.setQueryData(SESSION_KEY, adopt(session));
    },
    [client],
  );
}

/**
 * Moves the app to another workspace: every later call names it, the session is read
 * again there, and the user lands on the campaigns (what was open belongs to the other one).
 */
export function useSwitchWorkspace() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async (workspaceId: number) => {
    setWorkspaceId(workspaceId);
    const session = await loadSession();
    forgetData(client);
    client.setQueryData(SESSION_KEY, session);
    navigate('/campaigns');
  };
}

/** Reads the session again (after a rename, a new workspace), in the same workspace. */
export function useRefreshSession() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: SESSION_KEY });
}

/** Whether the user's role in the current workspace has a right: what it may not use is not offered. */
export function useCan(): (right: Right) => boolean {
  const rights = useSession()?.workspace?.rights;
  return useCallback((right: Right) => rights?.includes(right) ?? false, [rights]);
}

/** Base of tracked links (PUBLIC_URL), for previews of short links. */
export function usePublicUrl(): string {
  const session = useSession();
  return session?.publicUrl ?? window.location.origin;
}

/** The STOP mention the sender appends to marketing SMS. */
export function useSmsStopText(): string | undefined {
  return useSession()?.smsStopText;
}
