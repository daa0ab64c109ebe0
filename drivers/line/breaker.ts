// A circuit breaker for the line. After `threshold` consecutive line failures it opens and every
// call fails at once (LINE_DOWN) for `cooldownMs`, so the front desk never waits on a dead line;
// then one probe is let through (half-open) and its outcome closes or re-opens the breaker.
import type { BreakerState } from './eligibility.js';

export interface BreakerOptions {
  readonly threshold: number;
  readonly cooldownMs: number;
  readonly now?: () => number;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  #lastError = '';
  readonly #now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.options.cooldownMs) return 'half-open';
    return this.#state;
  }

  get lastError(): string { return this.#lastError; }

  /** True when a call may go out now; in half-open only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#probing) return false;
    this.#state = 'half-open';
    this.#probing = true;
    return true;
  }

  /** Milliseconds until a probe will be allowed (0 when closed). */
  retryInMs(): number {
    return this.#state === 'open' ? Math.max(0, this.options.cooldownMs - (this.#now() - this.#openedAt)) : 0;
  }

  success(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#probing = false;
    this.#lastError = '';
  }

  /** A failure of the line itself (unreachable, TLS, timeout, 5xx) — not a "not eligible" answer. */
  failure(reason: string): void {
    this.#lastError = reason;
    this.#failures += 1;
    if (this.#probing || this.#state === 'half-open' || this.#failures >= this.options.threshold) {
      this.#state = 'open';
      this.#openedAt = this.#now();
      this.#probing = false;
    }
  }

  /** A call that got no verdict (aborted by the caller) releases a half-open probe slot. */
  release(): void {
    if (this.#probing) {
      this.#probing = false;
      this.#state = 'open';
      this.#openedAt = this.#now() - this.options.cooldownMs; // let the next call probe at once
    }
  }
}
