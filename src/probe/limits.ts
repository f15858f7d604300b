/** Spaces requests to one host at least 1/rate seconds apart, across every target on that host. */
export class HostRateLimiter {
  private readonly next = new Map<string, number>();
  private readonly gapMs: number;
  constructor(perSecond: number) {
    this.gapMs = perSecond > 0 ? 1000 / perSecond : 0;
  }

  async acquire(host: string): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.next.get(host) ?? 0);
    this.next.set(host, slot + this.gapMs);
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}

/** Runs fn over items with at most `limit` running at once; results keep the input order. */
export async function mapPool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
