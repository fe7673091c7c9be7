/** The one way the app talks to Ricochet: the public /api, with the session cookie and its CSRF token. */
import type { ErrorResponse } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
export const setCsrfToken = (token: string | undefined) => {
  csrfToken = token;
};

/**
 * The workspace every call acts in (X-Workspace), the one picked in the switcher. It is
 * remembered in this browser; without it the server takes the user's first workspace.
 */
const WORKSPACE_KEY = 'ricochet.workspace';
let workspaceId: number | undefined = readStoredWorkspace();

function readStoredWorkspace(): number | undefined {
  try {
    const stored = Number(globalThis.localStorage?.getItem(WORKSPACE_KEY));
    return Number.isSafeInteger(stored) && stored > 0 ? stored : undefined;
  } catch {
    return undefined; // storage refused (private mode, a sandbox): the first workspace then
  }
}

export const currentWorkspaceId = () => workspaceId;
export function setWorkspaceId(id: number | undefined): void {
  workspaceId = id;
  try {
    if (id === undefined) globalThis.localStorage?.removeItem(WORKSPACE_KEY);
    else globalThis.localStorage?.setItem(WORKSPACE_KEY, String(id));
  } catch {
    // kept for this page only
  }
}

/** Called when the session is gone (401), so that the app shows the sign-in page. */
let onSignedOut: () => void = () => {};
export const whenSignedOut = (callback: () => void) => {
  onSignedOut = callback;
};

async function toError(response: Response): Promise<ApiError> {
  try {
    const { error } = (await response.json()) as ErrorResponse;
    return new ApiError(response.status, error.code, error.message, error.path);
  } catch {
    return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`);
  }
}

export async function request(method: string, path: string, body?: BodyInit | object): Promise<Response> {
  const headers: Record<string, string> = {};
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (workspaceId !== undefined) headers['x-workspace'] = String(workspaceId);
  const isJson = body !== undefined && !(body instanceof FormData) && typeof body !== 'string';
  if (isJson) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: isJson ? JSON.stringify(body) : (body as BodyInit | undefined),
  });
  if (!response.ok) {
    const error = await toError(response);
    if (response.status === 401 && path !== '/api/session') onSignedOut();
    throw error;
  }
  return response;
}

export async function api<T>(method: string, path: string, body?: BodyInit | object): Promise<T> {
  const response = await request(method, path, body);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** Query string from defined values; objects (filters) are sent as JSON. */
export function query(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Saves a response body (a CSV export) as a download. */
export async function download(response: Response, fallbackName: string): Promise<void> {
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
