/** SMPP_URL, read once at start (config.ts) and by the SMS channel. */

export interface SmppOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** Requests sent and not yet answered. */
  window: number;
  enquireLinkMs: number;
  responseTimeoutMs: number;
  /** How long submits wait for a bound session once the link is down; after that they fail at once (the sender retries later). */
  bindWaitMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** `smpp://system_id:password@host:port?window=10&enquire_link=30&timeout=30` (seconds). */
export function parseSmppUrl(url: string): SmppOptions {
  const parsed = new URL(url);
  for (const name of parsed.searchParams.keys()) {
    if (!['window', 'enquire_link', 'timeout'].includes(name)) throw new Error(`SMPP_URL: unknown parameter "${name}" (known: window, enquire_link, timeout)`);
  }
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = parsed.searchParams.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`SMPP_URL: ${name} must be a whole number from ${min} to ${max}`);
    return value;
  };
  const responseTimeoutMs = number('timeout', 30, 1, 600) * 1000;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 2775,
    systemId: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    window: number('window', 10, 1, 1000),
    enquireLinkMs: number('enquire_link', 30, 1, 3600) * 1000,
    responseTimeoutMs,
    bindWaitMs: Math.min(10_000, responseTimeoutMs),
    reconnectMinMs: 250,
    reconnectMaxMs: 30_000,
  };
}
