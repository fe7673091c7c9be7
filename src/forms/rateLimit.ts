/**
 * Posts per client network and form in a sliding window, kept in this process's memory:
 * a flood from one network is cut off within the process it reaches. (Confirmation emails,
 * the part that could be used against a third party, are limited per address in the
 * database, across processes: see signup.ts.)
 */
export class PostLimiter {
  private readonly hits = new Map<string, number[]>();
  private nextSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a post; false when the key already made `limit` posts within the window. */
  allow(key: string, now: number): boolean {
    this.sweep(now);
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((at) => at > since);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    this.hits.set(key, recent);
    return allowed;
  }

  /** Forgets keys that have been quiet for a window, so that memory follows only recent traffic. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.windowMs;
    const since = now - this.windowMs;
    for (const [key, times] of this.hits) if (!times.some((at) => at > since)) this.hits.delete(key);
  }
}
