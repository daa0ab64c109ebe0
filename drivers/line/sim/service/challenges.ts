// Challenges for the PIN path. A challenge is bound to the first certificate that uses it; the same
// card may send it again (a re-check after the line came back, or a retry after a lost answer),
// any other card may not. They live for `ttlMs` so a queued re-check can still present its proof.
import { randomBytes } from 'node:crypto';

export class ChallengeStore {
  readonly #issued = new Map<string, { expires: number; serial: string | null }>();

  constructor(private readonly ttlMs: number, private readonly max = 100000) {}

  issue(now = Date.now()): { challenge: string; expiresAt: string } {
    if (this.#issued.size >= this.max) this.#prune(now);
    const challenge = randomBytes(32).toString('base64url');
    this.#issued.set(challenge, { expires: now + this.ttlMs, serial: null });
    return { challenge, expiresAt: new Date(now + this.ttlMs).toISOString() };
  }

  /** True when the challenge was issued here, is still live, and is unused or used by this card. */
  use(challenge: string, serial: string, now = Date.now()): boolean {
    const entry = this.#issued.get(challenge);
    if (!entry || entry.expires < now) return false;
    if (entry.serial !== null && entry.serial !== serial) return false;
    entry.serial = serial;
    return true;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#issued) if (entry.expires < now) this.#issued.delete(key);
    // Still full: drop the oldest (Map keeps insertion order).
    for (const key of this.#issued.keys()) {
      if (this.#issued.size < this.max) break;
      this.#issued.delete(key);
    }
  }
}
