// The wiring, in one readable place: config -> drivers -> check-in flow -> outbox -> MQTT.
// Features get a narrow context (feature.ts) built here; the flow itself lives in flow/checkin-flow.ts.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { GatewayConfig } from '../config/schema.js';
import { createCardReader } from '../drivers/card/index.js';
import type { CardSession } from '../drivers/card/card-reader.js';
import { createFaceMatcher } from '../drivers/face/index.js';
import { createReaderPanel } from '../drivers/panel/index.js';
import { createEligibilityClient } from '../drivers/line/index.js';
import type { Logger } from '../vocabulary/log.js';
import { GatewayError } from '../vocabulary/result-codes.js';
import type { Devices } from './devices.js';
import type { CheckinEnricher, CheckinRechecker, FeatureContext, FeatureFactory, GatewayEvents, GatewayFeature, GatewayState, StatusSection } from './feature.js';
import { buildCheckinEvent, lineWasDown, noRecheck, RECHECK_QUEUED, type CheckinEvent, type CheckinOutcome, type CheckinRecheck } from './flow/checkin-event.js';
import { runCheckin, type ReaderState } from './flow/checkin-flow.js';
import { connectBroker, publishAsync } from './mqtt/connection.js';
import { assertStartable } from './startup-checks.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './mqtt/embedded-broker.js';
import { OutboxPublisher } from './mqtt/outbox-publisher.js';
import { gatewayStatusPayload, readerStatePayload, type StatusWarning } from './mqtt/payloads.js';
import { topicsFor, type Topics } from './mqtt/topics.js';
import { Database } from './store/database.js';
import { secureDataDir } from './store/file-modes.js';
import { Outbox } from './store/outbox.js';
import { FrontKeySource } from '../drivers/card/front/front-key-source.js';

const PURGE_EVERY_MS = 15 * 60 * 1000;

export class Gateway {
  /** 照合番号B from pictures of the card front (card.front); null when no source is configured. */
  readonly #front: FrontKeySource | null;
  readonly topics: Topics;
  readonly startedAt: number;
  #shutdown = new AbortController();
  #current: Promise<unknown> | null = null;
  #readerState: ReaderState = 'idle';
  #lastCheckinAt: number | null = null;
  #purgeTimer: NodeJS.Timeout | null = null;
  #features: GatewayFeature[] = [];
  #warnings: readonly StatusWarning[] = [];
  /** The event bus features listen on; the gateway is its only emitter apart from 'warnings'. */
  readonly bus = new EventEmitter<GatewayEvents>();
  #enrichers: CheckinEnricher[] = [];
  #statusSections = new Map<string, StatusSection>();
  #rechecker: CheckinRechecker | null = null;

  private constructor(
    readonly config: GatewayConfig,
    readonly logger: Logger,
    readonly version: string,
    readonly devices: Devices,
    readonly db: Database,
    readonly outbox: Outbox,
    readonly mqtt: MqttClient,
    readonly publisher: OutboxPublisher,
    readonly broker: EmbeddedBroker | null,
    startedAt: number,
  ) {
    this.startedAt = startedAt;
    this.topics = topicsFor(config.mqtt.baseTopic, config.gatewayId);
    this.#front = config.card.front.source === 'none' ? null : new FrontKeySource(config.card.front);
  }

  /** Starts everything or nothing: a part that fails to start stops the ones already running. */
  static async start(config: GatewayConfig, logger: Logger, version: string, features: readonly FeatureFactory[]): Promise<Gateway> {
    // The same checks `oqsgw config check` runs (startup-checks.ts): refused before anything starts.
    assertStartable(config);
    const startedAt = Date.now();
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const tightened = secureDataDir(config.dataDir);
      if (tightened) logger.warn({ dataDir: config.dataDir }, tightened);
      const db = await Database.open(join(config.dataDir, 'gateway.sqlite'));
      cleanups.push(() => db.close());
      const outbox = new Outbox(db);

      let broker: EmbeddedBroker | null = null;
      let url = config.mqtt.url;
      if (!url) {
        broker = await startEmbeddedBroker(config.mqtt.embeddedPort, config.mqtt.embeddedBroker);
        cleanups.push(() => broker!.close());
        url = broker.url;
        logger.info({ broker: url, kind: broker.kind }, 'no mqtt.url configured: demo broker started on loopback (demo only)');
      }

      const devices: Devices = {
        card: createCardReader(config.card, logger.child({ driver: 'card' })),
        face: createFaceMatcher(config.face, logger.child({ driver: 'face' })),
        panel: createReaderPanel(config.panel, logger.child({ driver: 'panel' })),
        line: createEligibilityClient(config.line, logger.child({ driver: 'line' })),
      };
      for (const device of [devices.line, devices.face, devices.panel, devices.card]) {
        try {
          await device.start();
        } catch (error) {
          // A dead camera must not close the front desk: the PIN path still works, and /status,
          // doctor and the retained status topic show the camera as down.
          if (!(device === devices.face && error instanceof GatewayError && error.code === 'CAMERA_DOWN')) throw error;
          logger.error({ err: error.message }, 'camera not available: face match is off, patients are offered the PIN');
        }
        cleanups.push(() => device.stop());
      }

      const topics = topicsFor(config.mqtt.baseTopic, config.gatewayId);
      // Fixed at connect for the whole run, so it cannot know when the gateway will vanish: its
      // `time` is null and `since` names the run (mqtt/payloads.ts, docs/mqtt.md).
      const lastWill = JSON.stringify(gatewayStatusPayload({ config, version, form: 'lastWill', since: startedAt }));
      const mqtt = connectBroker({
        url,
        clientId: `oqsgw-${config.gatewayId}`,
        protocolVersion: broker?.protocolVersion ?? 5,
        will: { topic: topics.status, payload: lastWill },
        config: config.mqtt,
        logger,
      });
      const publisher = new OutboxPublisher(mqtt, outbox, logger);
      const gateway = new Gateway(config, logger, version, devices, db, outbox, mqtt, publisher, broker, startedAt);
      cleanups.push(() => gateway.stop());
      gateway.#wire();
      const context = gateway.#context();
      for (const factory of features) {
        const feature = factory(context);
        if (!feature) continue;
        await feature.start(context);
        gateway.#features.push(feature);
      }
      return gateway;
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
      throw error;
    }
  }

  /** The running features, in start order (tests and the CLI look a feature up by name). */
  get features(): readonly GatewayFeature[] {
    return this.#features;
  }

  get readerState(): ReaderState {
    return this.#readerState;
  }

  get lastCheckinAt(): number | null {
    return this.#lastCheckinAt;
  }

  /** Early warnings (certificate expiry, disk, clock) carried on the retained status. */
  get warnings(): readonly StatusWarning[] {
    return this.#warnings;
  }

  /** What a feature may see of the gateway (feature.ts). */
  #context(): FeatureContext {
    const gateway = this;
    const state: GatewayState = {
      get readerState() { return gateway.#readerState; },
      get lastCheckinAt() { return gateway.#lastCheckinAt; },
      get warnings() { return gateway.#warnings; },
    };
    return {
      config: this.config, logger: this.logger, version: this.version, startedAt: this.startedAt,
      devices: this.devices, db: this.db, outbox: this.outbox, mqtt: this.mqtt, topics: this.topics,
      broker: { embedded: this.broker !== null, kind: this.broker?.kind ?? 'external', host: this.#brokerHost() },
      state, bus: this.bus,
      addCheckinEnricher: (enricher) => this.addCheckinEnricher(enricher),
      addStatusSection: (name, section) => {
        this.#statusSections.set(name, section);
        return () => { if (this.#statusSections.get(name) === section) this.#statusSections.delete(name); };
      },
      statusSections: async () => {
        const entries = await Promise.all([...this.#statusSections].map(async ([name, section]) =>
          [name, await section().catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))] as const));
        return Object.fromEntries(entries);
      },
      setCheckinRechecker: (rechecker) => {
        this.#rechecker = rechecker;
        return () => { if (this.#rechecker === rechecker) this.#rechecker = null; };
      },
    };
  }

  /** host:port only: a URL may carry credentials (mqtt://user:pass@host). */
  #brokerHost(): string | null {
    if (this.broker) return `127.0.0.1:${this.broker.port}`;
    try {
      return new URL(this.config.mqtt.url).host;
    } catch {
      return null;
    }
  }

  #wire(): void {
    this.bus.on('warnings', (warnings) => {
      this.#warnings = warnings;
      void this.#publishStatus();
    });
    const { card, panel } = this.devices;
    this.mqtt.on('connect', () => {
      void this.#publishStatus();
      void this.#publishReaderState();
    });
    this.publisher.start();
    card.on('inserted', (session) => this.#onCard(session));
    card.on('reader', ({ name, present }) => {
      this.logger.info({ reader: name, present }, present ? 'card reader connected' : 'card reader disconnected');
      this.#setState(present ? 'idle' : 'error');
      void this.#publishStatus();
    });
    // The panel driver logs its own link changes; here they only move the reader's state.
    panel.on('link', ({ up }) => {
      if (!this.#current) this.#setState(up ? 'idle' : 'error');
      void this.#publishStatus();
    });
    // A panel already down at start-up said so before this listener existed.
    if (!panel.health().ok) this.#setState('error');
    void panel.show({ kind: 'welcome' }).catch(() => {});
    this.#purgeTimer = setInterval(() => void this.#purge(), PURGE_EVERY_MS);
    this.#purgeTimer.unref();
    void this.#purge();
  }

  #onCard(session: CardSession): void {
    if (this.#current || this.#shutdown.signal.aborted) {
      this.logger.warn('a card was placed while a check-in was running; ignored');
      return;
    }
    this.#current = this.#checkin(session).finally(() => (this.#current = null));
  }

  async #checkin(session: CardSession): Promise<void> {
    try {
      await runCheckin(session, {
        config: this.config.flow,
        panel: this.devices.panel,
        face: this.devices.face,
        line: this.devices.line,
        logger: this.logger,
        shutdown: this.#shutdown.signal,
        setState: (state) => this.#setState(state),
        commit: (outcome, startedAt) => this.commitCheckin(outcome, startedAt),
        ...(this.#front ? { front: this.#front } : {}),
      });
      await this.#awaitRemoval(session);
    } catch (error) {
      // Only the commit itself can land here (disk full, database gone): that is loud.
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'check-in could not be stored');
      this.#setState('error');
      return;
    }
    this.#setState('idle');
    await this.devices.panel.show({ kind: 'welcome' }).catch(() => {});
  }

  async #awaitRemoval(session: CardSession): Promise<void> {
    if (session.removed.aborted) return;
    const signal = AbortSignal.any([session.removed, this.#shutdown.signal, AbortSignal.timeout(this.config.flow.removalTimeoutMs)]);
    // Stopping already: an aborted signal never fires 'abort' again, so waiting would hang the stop.
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** The one way a check-in becomes durable: committed to the outbox before anything else. */
  async commitCheckin(outcome: CheckinOutcome, startedAt: number): Promise<CheckinEvent> {
    let event = buildCheckinEvent(outcome, {
      eventId: randomUUID(),
      gatewayId: this.config.gatewayId,
      readerId: this.config.readerId,
      startedAt,
      now: Date.now(),
    });
    for (const enrich of this.#enrichers) {
      // An enricher that fails must not cost the check-in: it is committed without the addition.
      event = await enrich(event).catch((error: unknown) => {
        this.logger.warn({ err: String(error) }, 'a check-in enricher failed; committed without it');
        return event;
      });
    }
    if (lineWasDown(outcome.code)) event = { ...event, recheck: await this.#scheduleRecheck(event.eventId, outcome) };
    await this.outbox.commit(event.eventId, this.topics.checkins, event);
    this.#lastCheckinAt = Date.now();
    this.bus.emit('checkin', event);
    return event;
  }

  /** Every LINE_DOWN check-in is either queued for a re-check (before its commit) or says why not. */
  async #scheduleRecheck(eventId: string, outcome: CheckinOutcome): Promise<CheckinRecheck> {
    if (!outcome.pendingRequest) return noRecheck('CARD_NEEDED');
    if (!this.#rechecker) return noRecheck('REQUESTS_OFF');
    try {
      await this.#rechecker(eventId, outcome.pendingRequest);
      return RECHECK_QUEUED;
    } catch (error) {
      this.logger.error({ eventId, err: String(error) }, 'could not store the check-in for a re-check');
      return noRecheck('QUEUE_FAILED');
    }
  }

  /** For features: called in order on every check-in before commit; returns the remover. */
  addCheckinEnricher(enricher: CheckinEnricher): () => void {
    this.#enrichers.push(enricher);
    return () => (this.#enrichers = this.#enrichers.filter((e) => e !== enricher));
  }

  #setState(state: ReaderState): void {
    if (state === this.#readerState) return;
    this.#readerState = state;
    this.bus.emit('reader-state', { state, at: Date.now() });
    void this.#publishReaderState();
  }

  async #publishReaderState(): Promise<void> {
    if (!this.mqtt.connected) return;
    const payload = readerStatePayload({ config: this.config, state: this.#readerState });
    await publishAsync(this.mqtt, this.topics.readerState(this.config.readerId), JSON.stringify(payload), { qos: 1, retain: true }).catch(() => {});
  }

  async #publishStatus(): Promise<void> {
    if (!this.mqtt.connected) return;
    const payload = gatewayStatusPayload({ config: this.config, version: this.version, form: 'online', since: this.startedAt, devices: this.devices, warnings: this.#warnings });
    await publishAsync(this.mqtt, this.topics.status, JSON.stringify(payload), { qos: 1, retain: true }).catch(() => {});
  }

  async #purge(): Promise<void> {
    const removed = await this.outbox.purgeDelivered(this.config.retentionHours * 3600 * 1000).catch(() => 0);
    if (removed > 0) this.logger.info({ removed }, 'purged delivered check-ins past retention');
  }

  /** Graceful stop: the running check-in ends (SHUTTING_DOWN, committed), offline is published. */
  async stop(): Promise<void> {
    if (this.#shutdown.signal.aborted) return;
    this.#shutdown.abort();
    if (this.#purgeTimer) clearInterval(this.#purgeTimer);
    await this.#current?.catch(() => {});
    for (const feature of this.#features.reverse()) {
      await feature.stop().catch((error: unknown) => this.logger.warn({ feature: feature.name, err: String(error) }, 'a feature did not stop cleanly'));
    }
    this.publisher.stop();
    if (this.mqtt.connected) {
      const offline = JSON.stringify(gatewayStatusPayload({ config: this.config, version: this.version, form: 'stopped', since: this.startedAt }));
      await publishAsync(this.mqtt, this.topics.status, offline, { qos: 1, retain: true }).catch(() => {});
    }
    // A broker that is down must not hold up the stop: give the goodbye two seconds.
    await Promise.race([this.mqtt.endAsync(), new Promise((r) => setTimeout(r, 2000).unref())]).catch(() => {});
    if (!this.mqtt.disconnected) await this.mqtt.endAsync(true).catch(() => {});
    for (const device of [this.devices.card, this.devices.panel, this.devices.face, this.devices.line]) {
      await device.stop().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'a device did not stop cleanly'));
    }
    await this.#front?.close().catch(() => {});
    await this.broker?.close();
    await this.db.close();
  }
}
