import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, api, setCsrfToken, whenSignedOut } from './api';
import type { Session } from './types';

const SESSION_KEY = ['session'];

/** The signed-in user, or null; undefined while loading. */
export function useSession(): Session | null | undefined {
  const client = useQueryClient();
  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(undefined);
      client.setQueryData(SESSION_KEY, null);
    });
  }, [client]);
  const { data } = useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      try {
        const session = await api<Session>('GET', '/api/session');
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Infinity,
  });
  return data;
}

export function useSignIn() {
  const client = useQueryClient();
  return async (email: string, password: string) => {
    const session = await api<Session>('POST', '/api/session', { email, password });
    setCsrfToken(session.csrfToken);
    client.setQueryData(SESSION_KEY, session);
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api('DELETE', '/api/session').catch(() => {});
    setCsrfToken(undefined);
    client.setQueryData(SESSION_KEY, null);
    // Nothing of this user's data stays in memory for the next one.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  };
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
