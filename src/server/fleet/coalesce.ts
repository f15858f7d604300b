/**
 * Identical reads asked at once share one answer. A read asked while an identical one is being computed
 * waits for it to end and then shares the next computation with every other read that came in the
 * meantime, so each answer is computed entirely after its request arrived (a push acknowledged before the
 * request is in it) and N identical requests at once cost at most two computations instead of N: the
 * attackers JSON of a thousand hosts is read, built and serialized once, not sixteen times side by side.
 * Only reads in flight are held (nothing is cached); an error goes to every request that shared it.
 */
export class Coalescer<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly queued = new Map<string, Promise<T>>();

  run(key: string, compute: () => Promise<T>): Promise<T> {
    const waiting = this.queued.get(key);
    if (waiting) return waiting;
    const ahead = this.running.get(key);
    if (!ahead) return this.start(key, compute);
    const next = ahead.then(
      () => this.startQueued(key, compute),
      () => this.startQueued(key, compute),
    );
    this.queued.set(key, next);
    return next;
  }

  private startQueued(key: string, compute: () => Promise<T>): Promise<T> {
    this.queued.delete(key);
    return this.start(key, compute);
  }

  private start(key: string, compute: () => Promise<T>): Promise<T> {
    const p = compute();
    this.running.set(key, p);
    const done = () => {
      if (this.running.get(key) === p) this.running.delete(key);
    };
    p.then(done, done);
    return p;
  }
}
