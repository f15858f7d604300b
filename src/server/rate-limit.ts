/**
 * Failed logins per key (client address, user name) in a sliding window, in memory: a bounded map (the
 * oldest keys go first when it is full), so a flood of addresses cannot grow it without limit.
 */
export class FailureLimit {
  private readonly hits = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  constructor(max: number, windowMs: number, maxKeys = 10_000) {
    this.max = max;
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  blocked(key: string, now: number): boolean {
    return this.recent(key, now).length >= this.max;
  }

  fail(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.hits.delete(key);
    this.hits.set(key, list);
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) break;
      this.hits.delete(oldest);
    }
  }

  /**
   * Counts an attempt before it is judged: false (nothing counted) when the key already has `max` in the
   * window. Checked and counted in one step, so requests in flight at once cannot all pass a check made
   * before any of them was counted.
   */
  take(key: string, now: number): boolean {
    if (this.blocked(key, now)) return false;
    this.fail(key, now);
    return true;
  }

  /** Gives back one attempt counted by `take` at `at` (it succeeded, or another key refused it). */
  release(key: string, at: number): void {
    const list = this.hits.get(key);
    const i = list?.lastIndexOf(at) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.hits.delete(key);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }
}
