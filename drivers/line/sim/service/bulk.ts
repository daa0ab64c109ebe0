// 一括照会 as the national system runs it: asynchronous. The clinic uploads its patients and gets a
// reception number (受付番号, `ReceptionNumber`: YUKI-ENT/OQSDrug2 BulkQualificationService.cs);
// the service works through them at its own pace and the clinic fetches the results later
// (download request with the reception number). Here: results become ready at `ratePerSecond`
// from the upload (computed from the clock, no timers), a fetch returns the ready ones from the
// index it names, and naming index n acknowledges every item below n — those are deleted, so a
// client that crashed before storing a page asks again from its own cursor and loses nothing,
// and a page it did store is never sent twice. Fully collected or left uncollected past
// `expiryMs` (since the last fetch, or the end of processing), a reception is gone and asking for
// it is refused by name. Paging, acknowledgement and expiry rules are ours (not public).
import { randomBytes } from 'node:crypto';

export type BulkError = 'RECEPTION_UNKNOWN' | 'RECEPTION_EXPIRED' | 'RECEPTION_COLLECTED' | 'ITEMS_COLLECTED';

interface Reception<T> {
  readonly institution: string;
  readonly items: readonly T[];
  readonly submittedAt: number;
  /** Items below this index were acknowledged (and dropped). */
  acked: number;
  lastAccess: number;
}

export interface BulkPage<T> {
  readonly total: number;
  /** Items answered so far (from the upload). */
  readonly ready: number;
  readonly items: readonly { readonly index: number; readonly item: T }[];
  readonly complete: boolean;
}

export class BulkStore<T> {
  readonly #receptions = new Map<string, Reception<T>>();
  /** Reception numbers that expired or were fully collected, to name the refusal (bounded). */
  readonly #gone = new Map<string, 'RECEPTION_EXPIRED' | 'RECEPTION_COLLECTED'>();

  constructor(private readonly options: { readonly ratePerSecond: number; readonly expiryMs: number; readonly pageMax: number }) {}

  /** Uploads taken since start (tests: a resumed batch must not upload again). */
  uploads = 0;

  submit(institution: string, items: readonly T[], now: number): string {
    this.#sweep(now);
    this.uploads += 1;
    const number = randomBytes(8).toString('hex').toUpperCase();
    this.#receptions.set(number, { institution, items, submittedAt: now, acked: 0, lastAccess: now });
    return number;
  }

  #ready(r: Reception<T>, now: number): number {
    return Math.min(r.items.length, Math.floor(((now - r.submittedAt) / 1000) * this.options.ratePerSecond));
  }

  /** The ready items from `from` on (at most pageMax); acknowledges everything below `from`. */
  fetch(institution: string, number: string, from: number, now: number): BulkPage<T> | { readonly error: BulkError } {
    this.#sweep(now);
    const r = this.#receptions.get(number);
    // Another clinic's reception answers as unknown: its existence is not theirs to learn.
    if (!r || r.institution !== institution) return { error: (r ? undefined : this.#gone.get(number)) ?? 'RECEPTION_UNKNOWN' };
    if (from < r.acked) return { error: 'ITEMS_COLLECTED' };
    const total = r.items.length;
    const ready = this.#ready(r, now);
    r.acked = Math.min(from, ready);
    r.lastAccess = now;
    if (ready === total && from >= total) {
      this.#receptions.delete(number);
      this.#remember(number, 'RECEPTION_COLLECTED');
      return { total, ready, items: [], complete: true };
    }
    const end = Math.min(ready, from + this.options.pageMax);
    const items = [];
    for (let index = Math.min(from, ready); index < end; index += 1) {
      const item = r.items[index];
      if (item !== undefined) items.push({ index, item });
    }
    return { total, ready, items, complete: ready === total };
  }

  #sweep(now: number): void {
    for (const [number, r] of this.#receptions) {
      const done = r.submittedAt + (r.items.length / this.options.ratePerSecond) * 1000;
      if (now - Math.max(r.lastAccess, done) > this.options.expiryMs) {
        this.#receptions.delete(number);
        this.#remember(number, 'RECEPTION_EXPIRED');
      }
    }
  }

  #remember(number: string, why: 'RECEPTION_EXPIRED' | 'RECEPTION_COLLECTED'): void {
    this.#gone.set(number, why);
    if (this.#gone.size > 10000) {
      const oldest = this.#gone.keys().next().value;
      if (oldest !== undefined) this.#gone.delete(oldest);
    }
  }

  /** Receptions held (tests). */
  get size(): number { return this.#receptions.size; }
}
