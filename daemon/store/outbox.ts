// The outbox: one contract for everything that publishes — committed means delivered at least
// once, with a stable event id, across broker outages and restarts (invariant 3).
import type { Database } from './database.js';

export interface OutboxMessage {
  readonly seq: number;
  readonly eventId: string;
  readonly topic: string;
  readonly payload: string;
  readonly attempts: number;
}

interface OutboxRow extends Record<string, unknown> {
  seq: number;
  event_id: string;
  topic: string;
  payload: string;
  attempts: number;
}

export class Outbox {
  #listeners = new Set<() => void>();
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /** Durable once this resolves; the same event id twice is stored once. */
  async commit(eventId: string, topic: string, payload: object): Promise<void> {
    await this.db.run('INSERT OR IGNORE INTO outbox (event_id, topic, payload, created_at) VALUES (?, ?, ?, ?)', [
      eventId, topic, JSON.stringify(payload), this.now(),
    ]);
    for (const listener of this.#listeners) listener();
  }

  /** Called after each commit, so a publisher can drain at once instead of polling. */
  onCommit(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async pending(limit: number, excluding: ReadonlySet<string> = new Set()): Promise<OutboxMessage[]> {
    const rows = await this.db.all<OutboxRow>(
      'SELECT seq, event_id, topic, payload, attempts FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?',
      [limit + excluding.size],
    );
    return rows
      .filter((r) => !excluding.has(r.event_id))
      .slice(0, limit)
      .map((r) => ({ seq: r.seq, eventId: r.event_id, topic: r.topic, payload: r.payload, attempts: r.attempts }));
  }

  /** One statement for many ids: every statement is a synchronous write (fsync) in WAL mode. */
  async markAttempt(eventIds: string | readonly string[]): Promise<void> {
    for (const ids of chunks(eventIds)) {
      await this.db.run(`UPDATE outbox SET attempts = attempts + 1 WHERE event_id IN (${ids.map(() => '?').join(',')})`, ids);
    }
  }

  async markPublished(eventIds: string | readonly string[]): Promise<void> {
    for (const ids of chunks(eventIds)) {
      await this.db.run(`UPDATE outbox SET published_at = ? WHERE published_at IS NULL AND event_id IN (${ids.map(() => '?').join(',')})`, [
        this.now(), ...ids,
      ]);
    }
  }

  /** Makes what was marked delivered at or after `sinceMs` pending again (a broker node that
   * acknowledged it may have died before passing it on); returns how many. */
  async redeliverSince(sinceMs: number): Promise<number> {
    const result = await this.db.run('UPDATE outbox SET published_at = NULL WHERE published_at >= ?', [sinceMs]);
    return result.changes;
  }

  /** When the broker last acknowledged a message (null: never): after a restart, the last moment
   * the node used before is known to have been up. */
  async lastDeliveredAt(): Promise<number | null> {
    const row = await this.db.get<{ at: number | null }>('SELECT MAX(published_at) AS at FROM outbox');
    return row?.at ?? null;
  }

  /** The broker node this gateway last connected to, kept across restarts. */
  async lastBrokerNode(): Promise<string | null> {
    const row = await this.db.get<{ node: string }>('SELECT node FROM broker_node WHERE id = 1');
    return row?.node ?? null;
  }

  async rememberBrokerNode(node: string): Promise<void> {
    await this.db.run('INSERT INTO broker_node (id, node, connected_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET node = excluded.node, connected_at = excluded.connected_at', [
      node, this.now(),
    ]);
  }

  async depth(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
    return row?.n ?? 0;
  }

  /** Deletes delivered messages older than the retention period; undelivered ones are kept. */
  async purgeDelivered(olderThanMs: number): Promise<number> {
    const result = await this.db.run('DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?', [this.now() - olderThanMs]);
    return result.changes;
  }
}

const CHUNK = 500; // well under SQLite's limit on bound parameters

function chunks(ids: string | readonly string[]): string[][] {
  const list = typeof ids === 'string' ? [ids] : [...ids];
  const out: string[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}
