// Face-result files: every answered check-in, in commit order, as the official XML in face/. The
// check-in is taken from the outbox into a queue in the store first (so it survives the outbox's
// retention and any restart), then written; while the folder is unavailable the queue waits and
// is retried, nothing is dropped.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../vocabulary/log.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import type { Database } from '../store/database.js';
import { FollowerLoop, OutboxFollower, type FollowedMessage } from '../store/outbox-follower.js';
import { writeFileAtomic } from './atomic-file.js';
import { faceResultDocument, faceResultFileName, hasFaceResult } from './official-xml.js';
import { renderXml } from './xml-text.js';

interface QueuedFace {
  readonly seq: number;
  readonly event: CheckinEvent;
}

export interface FaceWriterStatus {
  readonly queued: number;
  readonly written: number;
  readonly lastWrittenAt: string | null;
  readonly lastError: string | null;
}

export class FaceWriter {
  readonly #follower: OutboxFollower;
  readonly #loop: FollowerLoop;
  #writing = false;
  #again = false;
  #retry: NodeJS.Timeout | null = null;
  #stopped = false;
  #written = 0;
  #lastWrittenAt: number | null = null;
  #lastError: string | null = null;
  #pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      readonly db: Database;
      readonly checkinsTopic: string;
      readonly folder: string;
      readonly medicalInstitutionCode: string;
      readonly retryMs: number;
      readonly logger: Logger;
    },
  ) {
    this.#follower = new OutboxFollower(deps.db, 'ehr-files-face', deps.checkinsTopic);
    this.#loop = new FollowerLoop(this.#follower, (messages) => this.#enqueue(messages), (error) => deps.logger.error({ err: String(error) }, 'could not queue face results; retried on the next check-in'));
  }

  async start(): Promise<void> {
    await this.#follower.init();
    this.write(); // what a previous run queued but could not write
    this.kick();
  }

  /** A check-in was committed: queue it, then write what is queued. */
  kick(): void {
    this.#loop.kick();
  }

  async #enqueue(messages: readonly FollowedMessage[]): Promise<void> {
    for (const message of messages) {
      let event: CheckinEvent;
      try {
        event = JSON.parse(message.payload) as CheckinEvent;
      } catch {
        this.deps.logger.error({ eventId: message.eventId }, 'stored check-in is not JSON; no face result for it');
        continue;
      }
      if (!hasFaceResult(event)) continue;
      const queued: QueuedFace = { seq: message.seq, event };
      await this.deps.db.run('INSERT OR IGNORE INTO ehr_file_queue (event_id, payload, created_at) VALUES (?, ?, ?)', [event.eventId, JSON.stringify(queued), Date.now()]);
    }
    this.write();
  }

  /** Writes what is queued; one pass at a time; on failure retries after retryMs. */
  write(): void {
    if (this.#stopped) return;
    if (this.#writing) {
      this.#again = true;
      return;
    }
    this.#writing = true;
    this.#pass = this.#drain()
      .then(
        () => {
          this.#lastError = null;
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (this.#lastError !== message) this.deps.logger.warn({ err: message, retryInSeconds: this.deps.retryMs / 1000 }, 'face-result folder unavailable; results wait in the store');
          this.#lastError = message;
          if (this.#retry === null && !this.#stopped) {
            this.#retry = setTimeout(() => {
              this.#retry = null;
              this.write();
            }, this.deps.retryMs);
            this.#retry.unref();
          }
        },
      )
      .finally(() => {
        this.#writing = false;
        if (this.#again) {
          this.#again = false;
          this.write();
        }
      });
  }

  async #drain(): Promise<void> {
    const folder = join(this.deps.folder, 'face');
    for (;;) {
      const rows = await this.deps.db.all<{ event_id: string; payload: string }>('SELECT event_id, payload FROM ehr_file_queue ORDER BY rowid LIMIT 50');
      if (rows.length === 0 || this.#stopped) return;
      await mkdir(folder, { recursive: true });
      for (const row of rows) {
        if (this.#stopped) return;
        const { seq, event } = JSON.parse(row.payload) as QueuedFace;
        const rendered = renderXml(faceResultDocument(event, this.deps.medicalInstitutionCode));
        const name = faceResultFileName(this.deps.medicalInstitutionCode, seq, event.time);
        try {
          await writeFileAtomic(join(folder, name), rendered.bytes);
        } catch (error) {
          await this.deps.db.run('UPDATE ehr_file_queue SET attempts = attempts + 1, last_error = ? WHERE event_id = ?', [String(error), row.event_id]);
          throw error;
        }
        if (rendered.replaced > 0) this.deps.logger.info({ eventId: event.eventId, replaced: rendered.replaced }, 'characters outside Shift_JIS mapped in a face result');
        await this.deps.db.run('DELETE FROM ehr_file_queue WHERE event_id = ?', [row.event_id]);
        this.#written++;
        this.#lastWrittenAt = Date.now();
      }
    }
  }

  async status(): Promise<FaceWriterStatus> {
    const row = await this.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ehr_file_queue');
    return {
      queued: (row?.n ?? 0) + (await this.#follower.behind()),
      written: this.#written,
      lastWrittenAt: this.#lastWrittenAt === null ? null : new Date(this.#lastWrittenAt).toISOString(),
      lastError: this.#lastError,
    };
  }

  /** Resolves once nothing is queued and nothing is being written (tests). */
  async settled(): Promise<void> {
    for (;;) {
      await this.#loop.idle();
      await this.#pass;
      const { queued } = await this.status();
      if (queued === 0 && !this.#writing) return;
      this.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    await this.#loop.stop();
    await this.#pass;
  }
}
