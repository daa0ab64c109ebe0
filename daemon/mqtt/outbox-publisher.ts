// Drains the outbox to the broker: QoS 1, oldest first, a bounded window in flight; a message
// is marked delivered only on the broker's PUBACK. After a reconnect or a restart, whatever is
// not marked is sent again (at least once; consumers dedupe by event id).
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../vocabulary/log.js';
import type { Outbox } from '../store/outbox.js';
import { publishAsync } from './connection.js';

const WINDOW = 64;

export class OutboxPublisher {
  #inFlight = new Set<string>();
  #draining = false;
  #again = false;
  #stopped = false;
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly client: MqttClient, private readonly outbox: Outbox, private readonly logger: Logger) {}

  start(): void {
    this.#unsubscribe = this.outbox.onCommit(() => this.drain());
    this.client.on('connect', this.#onConnect);
    if (this.client.connected) this.drain();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.client.off('connect', this.#onConnect);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  #onConnect = () => this.drain();

  /** PUBACKs arriving together are marked delivered in one write; a message leaves the in-flight
   * set only once that write is done, so the next pass cannot pick it up again. */
  #acked: string[] = [];
  #flushScheduled = false;

  #acknowledged(eventId: string): void {
    this.#acked.push(eventId);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const ids = this.#acked;
      this.#acked = [];
      void this.outbox
        .markPublished(ids)
        .catch((error: unknown) => this.logger.error({ err: String(error) }, 'could not mark messages delivered; they will be sent again'))
        .finally(() => {
          for (const id of ids) this.#inFlight.delete(id);
          this.drain();
        });
    });
  }

  /** Safe to call any time; concurrent calls collapse into one more pass. */
  drain(): void {
    if (this.#stopped) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = true;
    void this.#pass()
      .catch((error: unknown) => this.logger.error({ err: String(error) }, 'outbox drain failed; will retry on the next commit or reconnect'))
      .finally(() => {
        this.#draining = false;
        if (this.#again) {
          this.#again = false;
          this.drain();
        }
      });
  }

  async #pass(): Promise<void> {
    while (!this.#stopped && this.client.connected && this.#inFlight.size < WINDOW) {
      const batch = await this.outbox.pending(WINDOW - this.#inFlight.size, this.#inFlight);
      if (batch.length === 0) return;
      for (const message of batch) this.#inFlight.add(message.eventId);
      await this.outbox.markAttempt(batch.map((m) => m.eventId));
      for (const message of batch) {
        publishAsync(this.client, message.topic, message.payload, {
          qos: 1,
          ...(this.client.options.protocolVersion === 5 ? { properties: { contentType: 'application/json', userProperties: { eventId: message.eventId } } } : {}),
        }).then(
          () => this.#acknowledged(message.eventId),
          (error: unknown) => {
            this.logger.warn({ eventId: message.eventId, err: String(error) }, 'publish not acknowledged; will resend');
            this.#inFlight.delete(message.eventId);
            this.drain();
          },
        );
      }
    }
  }
}
