// Follows the committed check-ins in the outbox, in commit order, with a durable cursor: a feature
// that turns each check-in into something else (a FHIR bundle, an official result file) sees every
// one exactly once per cursor advance, across restarts (SIGKILL included), without the check-in
// path waiting for it. The feature stores its own output before it advances the cursor, so a crash
// in between only repeats work that is idempotent by event id.
import type { Database } from './database.js';

export interface FollowedMessage {
  readonly seq: number;
  readonly eventId: string;
  readonly payload: string;
}

export class OutboxFollower {
  constructor(private readonly db: Database, readonly name: string, private readonly topic: string) {}

  /** On first use the cursor starts at the newest row: a feature switched on later does not replay history. */
  async init(): Promise<void> {
    await this.db.run(
      'INSERT OR IGNORE INTO outbox_cursors (name, seq) VALUES (?, (SELECT COALESCE(MAX(seq), 0) FROM outbox))',
      [this.name],
    );
  }

  async next(limit: number): Promise<FollowedMessage[]> {
    const rows = await this.db.all<{ seq: number; event_id: string; payload: string }>(
      `SELECT seq, event_id, payload FROM outbox
        WHERE topic = ? AND seq > (SELECT seq FROM outbox_cursors WHERE name = ?) ORDER BY seq LIMIT ?`,
      [this.topic, this.name, limit],
    );
    return rows.map((r) => ({ seq: r.seq, eventId: r.event_id, payload: r.payload }));
  }

  async advance(seq: number): Promise<void> {
    await this.db.run('UPDATE outbox_cursors SET seq = MAX(seq, ?) WHERE name = ?', [seq, this.name]);
  }

  /** Check-ins committed but not yet taken by this follower. */
  async behind(): Promise<number> {
    const row = await this.db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM outbox WHERE topic = ? AND seq > (SELECT seq FROM outbox_cursors WHERE name = ?)',
      [this.topic, this.name],
    );
    return row?.n ?? 0;
  }
}

/**
 * Runs a follower's passes one at a time: `kick()` from any event; a kick during a pass asks for
 * one more pass. The handler is called per message; a throw stops the pass there (the cursor stays
 * before that message) and the next kick retries.
 */
export class FollowerLoop {
  #running = false;
  #again = false;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly follower: OutboxFollower,
    private readonly handle: (messages: readonly FollowedMessage[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly batch = 100,
  ) {}

  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#idle = this.#run().finally(() => {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stopped) {
        const messages = await this.follower.next(this.batch);
        if (messages.length === 0) return;
        await this.handle(messages);
        const last = messages.at(-1);
        if (last) await this.follower.advance(last.seq);
      }
    } catch (error) {
      this.onError(error);
    }
  }

  /** Waits for the running pass (tests, stop). */
  async idle(): Promise<void> {
    while (this.#running) await this.#idle;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#idle;
  }
}
