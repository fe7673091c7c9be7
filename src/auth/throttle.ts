/**
 * Slows password guessing: after `limit` failed sign-ins for one email, or
 * `limit * 4` from one address, within `windowMs`, further attempts are refused
 * until the oldest failure leaves the window. Kept in memory: each server
 * process counts its own attempts, which bounds guessing per process.
 *
 * An attempt is counted when it starts, before its password is checked, so that
 * guesses sent all at once are refused like guesses sent one after another.
 */
export function signInThrottle(now: () => number, limit = 5, windowMs = 15 * 60_000) {
  const attempts = new Map<string, number[]>();
  const MAX_KEYS = 50_000;

  const recent = (key: string) => {
    const kept = (attempts.get(key) ?? []).filter((at) => now() - at < windowMs);
    if (kept.length) attempts.set(key, kept);
    else attempts.delete(key);
    return kept;
  };
  const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
  const keys = (email: string, ip: string) => [[emailKey(email), limit], [`ip:${ip}`, limit * 4]] as const;
  const forget = (key: string, at: number) => {
    const times = attempts.get(key);
    const index = times?.indexOf(at) ?? -1;
    if (index >= 0) times!.splice(index, 1);
  };

  return {
    /**
     * Counts an attempt as failed until told otherwise. `retryAfterMs` > 0 means
     * it is refused (and not counted): wait that long before trying again.
     */
    reserve(email: string, ip: string): { retryAfterMs: number; succeeded(): void; withdraw(): void } {
      let wait = 0;
      for (const [key, max] of keys(email, ip)) {
        const times = recent(key);
        if (times.length >= max) wait = Math.max(wait, times[times.length - max]! + windowMs - now());
      }
      if (wait > 0) return { retryAfterMs: wait, succeeded() {}, withdraw() {} };

      if (attempts.size > MAX_KEYS) attempts.delete(attempts.keys().next().value!);
      const at = now();
      for (const [key] of keys(email, ip)) attempts.set(key, [...recent(key), at]);
      const withdraw = () => keys(email, ip).forEach(([key]) => forget(key, at));
      return {
        retryAfterMs: 0,
        /** The right password: the email's failures are forgotten, and this attempt does not count against the address. */
        succeeded() {
          withdraw();
          attempts.delete(emailKey(email));
        },
        /** No password was checked: the attempt does not count. */
        withdraw,
      };
    },
  };
}
