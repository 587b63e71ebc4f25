/**
 * Per-IP throttle of failed sign-ins: a token bucket per address, in memory. That suits the
 * embedded single process; several API instances behind a balancer would each keep their own
 * buckets (so an attacker gets N× the rate) — production with Keycloak has its own detection.
 */

interface Bucket {
  tokens: number;
  at: number;
}

export interface ThrottleOptions {
  /** Failures allowed at once. */
  burst: number;
  /** Failures regained per minute. */
  perMinute: number;
  /** Addresses remembered at most (full buckets are dropped first). */
  maxKeys?: number;
  now?: () => number;
}

export class FailureThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.maxKeys = options.maxKeys ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  private refill(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.at) / 60_000) * this.options.perMinute);
    bucket.at = now;
    return bucket;
  }

  /** Seconds to wait before this address may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const bucket = this.refill(key);
    if (bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) / this.options.perMinute) * 60);
  }

  /** Counts one failure against the address. */
  fail(key: string): void {
    const bucket = this.refill(key);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.sweep();
  }

  private sweep(): void {
    for (const [key] of this.buckets) if (this.refill(key).tokens >= this.options.burst) this.buckets.delete(key);
    // Still too many (an attack from many addresses): forget the oldest.
    for (const [key] of this.buckets) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
