/**
 * Slows password guessing: after `limit` failed sign-ins for one email, or
 * `limit * 4` from one address, within `windowMs`, further attempts are refused
 * until the oldest failure leaves the window. Kept in memory: each server
 * process counts its own attempts, which bounds guessing per process.
 */
export function signInThrottle(now: () => number, limit = 5, windowMs = 15 * 60_000) {
  const failures = new Map<string, number[]>();
  const MAX_KEYS = 50_000;

  const recent = (key: string) => {
    const kept = (failures.get(key) ?? []).filter((at) => now() - at < windowMs);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };
  const keys = (email: string, ip: string) => [[`email:${email.trim().toLowerCase()}`, limit], [`ip:${ip}`, limit * 4]] as const;

  return {
    /** Milliseconds to wait before trying again; 0 when an attempt is allowed. */
    retryAfterMs(email: string, ip: string): number {
      let wait = 0;
      for (const [key, max] of keys(email, ip)) {
        const times = recent(key);
        if (times.length >= max) wait = Math.max(wait, times[times.length - max]! + windowMs - now());
      }
      return wait;
    },
    failed(email: string, ip: string): void {
      if (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value!);
      for (const [key] of keys(email, ip)) failures.set(key, [...recent(key), now()]);
    },
    succeeded(email: string): void {
      failures.delete(`email:${email.trim().toLowerCase()}`);
    },
  };
}
