// One reader of the gateway, the "front desk" at one entrance (issue 18): its card reader, panel,
// face matcher (its camera on the gateway's shared face model), card-front source, its state and
// the check-in running on it. The gateway keeps what every reader shares (the line, the store, the
// broker connection, the features) and starts one desk per reader; a desk whose devices fail does
// not stop the others. A check-in is committed through the gateway with this desk's reader id.
import type { ResolvedReader } from '../../config/readers.js';
import type { CardSession } from '../../drivers/card/card-reader.js';
import { createCardReader } from '../../drivers/card/index.js';
import { FrontKeySource } from '../../drivers/card/front/front-key-source.js';
import { createFaceMatcher, type FairQueue } from '../../drivers/face/index.js';
import type { EligibilityClient } from '../../drivers/line/eligibility.js';
import { createReaderPanel } from '../../drivers/panel/index.js';
import type { Logger } from '../../vocabulary/log.js';
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { ReaderDevices } from '../devices.js';
import type { CheckinEvent, CheckinOutcome } from '../flow/checkin-event.js';
import type { FlowConfig } from '../flow/config.js';
import { runCheckin, type ReaderState } from '../flow/checkin-flow.js';

/** What a desk gets from its gateway. */
export interface DeskHost {
  readonly flow: FlowConfig;
  readonly line: EligibilityClient;
  readonly logger: Logger;
  /** Aborted when the gateway stops. */
  readonly shutdown: AbortSignal;
  /** The face model's queue when several readers share it; null with one reader (no queue, as before). */
  readonly faceQueue: FairQueue | null;
  /** Commits a finished check-in with this reader's id (Gateway.commitCheckin). */
  commit(outcome: CheckinOutcome, startedAt: number, readerId: string): Promise<CheckinEvent>;
  /** The desk moved to another state (the gateway emits it on the bus and publishes the retained state). */
  stateChanged(readerId: string, state: ReaderState): void;
  /** A device of this desk went up or down (the gateway republishes its status). */
  healthChanged(): void;
}

/** A desk as /status, the retained status and doctor see it: states and device texts, no patient data. */
export interface DeskSummary {
  readonly id: string;
  readonly state: ReaderState;
  /** Whether this reader can take a check-in now (its card reader and panel up, it started). */
  readonly ok: boolean;
  /** Why it cannot; null when it can. */
  readonly down: string | null;
  readonly devices: Readonly<Record<'card' | 'face' | 'panel', { readonly ok: boolean; readonly detail: string }>>;
  readonly lastCheckinAt: number | null;
}

export class ReaderDesk {
  readonly id: string;
  readonly devices: ReaderDevices;
  /** 照合番号B from pictures of the card front (card.front); null when no source is configured. */
  readonly front: FrontKeySource | null;
  #state: ReaderState = 'idle';
  #current: Promise<unknown> | null = null;
  #lastCheckinAt: number | null = null;
  /** Why this desk did not start (several readers only: with one, a failed start stops the gateway). */
  #startError: string | null = null;
  readonly #host: DeskHost;
  readonly #logger: Logger;

  constructor(reader: ResolvedReader, host: DeskHost, several: boolean) {
    this.id = reader.id;
    this.#host = host;
    // With one reader the log lines stay as they were; with several each names its reader.
    this.#logger = several ? host.logger.child({ reader: reader.id }) : host.logger;
    this.devices = {
      card: createCardReader(reader.card, this.#logger.child({ driver: 'card' })),
      face: createFaceMatcher(reader.face, this.#logger.child({ driver: 'face' }), host.faceQueue ? { queue: host.faceQueue, lane: reader.id } : undefined),
      panel: createReaderPanel(reader.panel, this.#logger.child({ driver: 'panel' })),
    };
    this.front = reader.card.front.source === 'none' ? null : new FrontKeySource(reader.card.front);
  }

  get state(): ReaderState {
    return this.#state;
  }

  get lastCheckinAt(): number | null {
    return this.#lastCheckinAt;
  }

  get busy(): boolean {
    return this.#current !== null;
  }

  /**
   * Starts the camera, the panel and the card reader. `strict` (one reader, as before): a device
   * that fails to start fails the gateway's start. Otherwise the desk stays in 'error', says why,
   * and the other readers go on.
   */
  async start(strict: boolean, started: (stop: () => Promise<void>) => void): Promise<void> {
    const { face, panel, card } = this.devices;
    try {
      for (const device of [face, panel, card]) {
        try {
          await device.start();
        } catch (error) {
          // A dead camera must not close the front desk: the PIN path still works, and /status,
          // doctor and the retained status topic show the camera as down.
          if (!(device === face && error instanceof GatewayError && error.code === 'CAMERA_DOWN')) throw error;
          this.#logger.error({ err: error.message }, 'camera not available: face match is off, patients are offered the PIN');
        }
        started(() => device.stop());
      }
    } catch (error) {
      if (strict) throw error;
      this.#startError = error instanceof Error ? error.message : String(error);
      this.#logger.error({ err: this.#startError }, 'reader could not start; the other readers go on');
      this.#setState('error');
      return;
    }
    this.#wire();
  }

  #wire(): void {
    const { card, panel } = this.devices;
    card.on('inserted', (session) => this.#onCard(session));
    card.on('reader', ({ name, present }) => {
      this.#logger.info({ cardReader: name, present }, present ? 'card reader connected' : 'card reader disconnected');
      this.#setState(present ? 'idle' : 'error');
      this.#host.healthChanged();
    });
    // The panel driver logs its own link changes; here they only move the reader's state.
    panel.on('link', ({ up }) => {
      if (!this.#current) this.#setState(up ? 'idle' : 'error');
      this.#host.healthChanged();
    });
    // A panel already down at start-up said so before this listener existed.
    if (!panel.health().ok) this.#setState('error');
    void panel.show({ kind: 'welcome' }).catch(() => {});
  }

  summary(): DeskSummary {
    const devices = {
      card: this.devices.card.health(),
      face: this.devices.face.health(),
      panel: this.devices.panel.health(),
    };
    const down = this.#startError !== null ? `did not start: ${this.#startError}`
      : !devices.card.ok ? `card reader: ${devices.card.detail}`
      : !devices.panel.ok ? `panel: ${devices.panel.detail}`
      : this.#state === 'error' ? 'in its error state'
      : null;
    return { id: this.id, state: this.#state, ok: down === null, down, devices, lastCheckinAt: this.#lastCheckinAt };
  }

  #onCard(session: CardSession): void {
    if (this.#current || this.#host.shutdown.aborted) {
      this.#logger.warn('a card was placed while a check-in was running; ignored');
      return;
    }
    this.#current = this.#checkin(session).finally(() => (this.#current = null));
  }

  async #checkin(session: CardSession): Promise<void> {
    const host = this.#host;
    try {
      await runCheckin(session, {
        config: host.flow,
        panel: this.devices.panel,
        face: this.devices.face,
        line: host.line,
        logger: this.#logger,
        shutdown: host.shutdown,
        setState: (state) => this.#setState(state),
        commit: async (outcome, startedAt) => {
          const event = await host.commit(outcome, startedAt, this.id);
          this.#lastCheckinAt = Date.now();
          return event;
        },
        ...(this.front ? { front: this.front } : {}),
      });
      await this.#awaitRemoval(session);
    } catch (error) {
      // Only the commit itself can land here (disk full, database gone): that is loud.
      this.#logger.error({ err: error instanceof Error ? error.message : String(error) }, 'check-in could not be stored');
      this.#setState('error');
      return;
    }
    // A panel or card reader lost during the check-in reported it while the check-in still ran
    // (and so did not move the state then): the desk rests in 'error' until it returns.
    this.#setState(this.devices.panel.health().ok && this.devices.card.health().ok ? 'idle' : 'error');
    await this.devices.panel.show({ kind: 'welcome' }).catch(() => {});
  }

  async #awaitRemoval(session: CardSession): Promise<void> {
    if (session.removed.aborted) return;
    const signal = AbortSignal.any([session.removed, this.#host.shutdown, AbortSignal.timeout(this.#host.flow.removalTimeoutMs)]);
    // Stopping already: an aborted signal never fires 'abort' again, so waiting would hang the stop.
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  #setState(state: ReaderState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#host.stateChanged(this.id, state);
  }

  /** Resolves when the running check-in (ended by the gateway's shutdown signal) is committed. */
  async settle(): Promise<void> {
    await this.#current?.catch(() => {});
  }

  /** Stops this desk's devices (after settle()); the front source last. */
  async stop(): Promise<void> {
    for (const device of [this.devices.card, this.devices.panel, this.devices.face]) {
      await device.stop().catch((error: unknown) => this.#logger.warn({ err: String(error) }, 'a device did not stop cleanly'));
    }
    await this.front?.close().catch(() => {});
  }
}
