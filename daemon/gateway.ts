// The wiring, in one readable place: config -> drivers -> check-in flow -> outbox -> MQTT.
// Features get a narrow context (feature.ts) built here; the flow itself lives in flow/checkin-flow.ts.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { GatewayConfig } from '../config/schema.js';
import { resolveReaders } from '../config/readers.js';
import { FairQueue } from '../drivers/face/index.js';
import { createEligibilityClient } from '../drivers/line/index.js';
import type { Logger } from '../vocabulary/log.js';
import type { Devices } from './devices.js';
import { ReaderDesk, type DeskSummary } from './desk/reader-desk.js';
import type { CheckinEnricher, CheckinRechecker, FeatureContext, FeatureFactory, GatewayEvents, GatewayFeature, GatewayState, ReaderView, StatusSection } from './feature.js';
import { buildCheckinEvent, lineWasDown, noRecheck, RECHECK_QUEUED, type CheckinEvent, type CheckinOutcome, type CheckinRecheck } from './flow/checkin-event.js';
import type { ReaderState } from './flow/checkin-flow.js';
import { brokerNode, brokerUrls, connectBroker, publishAsync } from './mqtt/connection.js';
import { assertStartable } from './startup-checks.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './mqtt/embedded-broker.js';
import { OutboxPublisher } from './mqtt/outbox-publisher.js';
import { gatewayStatusPayload, readerStatePayload, type StatusWarning } from './mqtt/payloads.js';
import { topicsFor, type Topics } from './mqtt/topics.js';
import { Database } from './store/database.js';
import { secureDataDir } from './store/file-modes.js';
import { Outbox } from './store/outbox.js';

const PURGE_EVERY_MS = 15 * 60 * 1000;

export class Gateway {
  readonly topics: Topics;
  readonly startedAt: number;
  #shutdown = new AbortController();
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
    /** One per reader, in config order (one, `readerId`, without `readers:`). */
    readonly desks: readonly ReaderDesk[],
    readonly line: Devices['line'],
    readonly db: Database,
    readonly outbox: Outbox,
    readonly mqtt: MqttClient,
    readonly publisher: OutboxPublisher,
    readonly broker: EmbeddedBroker | null,
    startedAt: number,
  ) {
    this.startedAt = startedAt;
    this.topics = topicsFor(config.mqtt.baseTopic, config.gatewayId);
  }

  /** The line and the first reader's devices (the only reader's without `readers:`). */
  get devices(): Devices {
    return { ...this.desks[0]!.devices, line: this.line };
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
      let urls = brokerUrls(config.mqtt);
      if (urls.length === 0) {
        broker = await startEmbeddedBroker(config.mqtt.embeddedPort, config.mqtt.embeddedBroker);
        cleanups.push(() => broker!.close());
        urls = [broker.url];
        logger.info({ broker: broker.url, kind: broker.kind }, 'no mqtt.url configured: demo broker started on loopback (demo only)');
      }

      const line = createEligibilityClient(config.line, logger.child({ driver: 'line' }));
      await line.start();
      cleanups.push(() => line.stop());
      // Desks are made before the gateway (their devices start first, as before) and report to it
      // once it exists: nothing they report before that can reach MQTT anyway.
      let gateway: Gateway | null = null;
      const shutdown = new AbortController();
      const readers = resolveReaders(config).readers;
      const several = config.readers.length > 0;
      // One face model for every reader; its calls queued fairly between them (fair-queue.ts).
      const faceQueue = several && config.face.driver === 'camera' ? new FairQueue() : null;
      const desks = readers.map((reader) => new ReaderDesk(reader, {
        flow: config.flow, line, logger, shutdown: shutdown.signal, faceQueue,
        commit: (outcome, at, readerId) => gateway!.commitCheckin(outcome, at, readerId),
        stateChanged: (readerId, state) => { if (gateway) gateway.#stateChanged(readerId, state); },
        healthChanged: () => { if (gateway) void gateway.#publishStatus(); },
      }, several));
      for (const desk of desks) await desk.start(!several, (stop) => cleanups.push(stop));

      const topics = topicsFor(config.mqtt.baseTopic, config.gatewayId);
      // Fixed at connect for the whole run, so it cannot know when the gateway will vanish: its
      // `time` is null and `since` names the run (mqtt/payloads.ts, docs/mqtt.md).
      const lastWill = JSON.stringify(gatewayStatusPayload({ config, version, form: 'lastWill', since: startedAt }));
      let publisher: OutboxPublisher | null = null;
      // With several nodes (mqtt.urls) the node used is remembered, so a gateway restarted while
      // its node is down knows it changed nodes; its last acknowledgement says when that node was
      // last known up. One node (or the demo's broker): as before, nothing to remember.
      const severalNodes = urls.length > 1;
      const lastNode = severalNodes ? await outbox.lastBrokerNode() : null;
      const previous = lastNode ? { node: lastNode, lostAt: (await outbox.lastDeliveredAt()) ?? Date.now() } : null;
      const mqtt = connectBroker({
        urls,
        clientId: `oqsgw-${config.gatewayId}`,
        protocolVersion: broker?.protocolVersion ?? 5,
        will: { topic: topics.status, payload: lastWill },
        config: config.mqtt,
        logger,
        // The node lost may have acknowledged messages and died before its bridge (or cluster)
        // passed them on: send what it took in the window before the loss again (eventId dedupe).
        onFailover: ({ from, to, lostAt }) => {
          const since = lostAt - config.mqtt.resendWindowSeconds * 1000;
          void outbox.redeliverSince(since).then(
            (n) => {
              logger.warn({ from, to, resent: n, windowSeconds: config.mqtt.resendWindowSeconds }, 'broker node changed: resending what the lost node acknowledged before it went');
              publisher?.drain();
            },
            (error: unknown) => logger.error({ err: String(error) }, 'could not mark messages for resending after a broker node change'),
          );
        },
        previous,
        ...(severalNodes ? {
          onConnected: (node: string) => void outbox.rememberBrokerNode(node)
            .catch((error: unknown) => logger.warn({ err: String(error) }, 'could not remember the broker node')),
        } : {}),
      });
      publisher = new OutboxPublisher(mqtt, outbox, logger);
      gateway = new Gateway(config, logger, version, desks, line, db, outbox, mqtt, publisher, broker, startedAt);
      gateway.#shutdown = shutdown;
      const started = gateway;
      cleanups.push(() => started.stop());
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

  /** The first reader's state (the only reader's without `readers:`). */
  get readerState(): ReaderState {
    return this.desks[0]!.state;
  }

  /** Every reader as status and features see it. */
  readerSummaries(): DeskSummary[] {
    return this.desks.map((desk) => desk.summary());
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
      get readerState() { return gateway.readerState; },
      get lastCheckinAt() { return gateway.#lastCheckinAt; },
      get warnings() { return gateway.#warnings; },
    };
    return {
      config: this.config, logger: this.logger, version: this.version, startedAt: this.startedAt,
      devices: this.devices, readers: this.desks.map((desk): ReaderView => ({
        id: desk.id, devices: desk.devices, summary: () => desk.summary(),
      })), db: this.db, outbox: this.outbox, mqtt: this.mqtt, topics: this.topics,
      broker: { embedded: this.broker !== null, kind: this.broker?.kind ?? 'external', get host() { return gateway.#brokerHost(); } },
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
    const urls = brokerUrls(this.config.mqtt);
    // With several nodes, the one in use (or being tried): mqtt.js sets it from its server list.
    const { hostname, port } = this.mqtt.options;
    if (urls.length > 1 && hostname && port) return `${hostname}:${port}`;
    return urls.length > 0 ? brokerNode(urls[0]!) : null;
  }

  #wire(): void {
    this.bus.on('warnings', (warnings) => {
      this.#warnings = warnings;
      void this.#publishStatus();
    });
    this.mqtt.on('connect', () => {
      void this.#publishStatus();
      for (const desk of this.desks) void this.#publishReaderState(desk.id, desk.state);
    });
    this.publisher.start();
    this.#purgeTimer = setInterval(() => void this.#purge(), PURGE_EVERY_MS);
    this.#purgeTimer.unref();
    void this.#purge();
  }

  /** The one way a check-in becomes durable: committed to the outbox before anything else. */
  async commitCheckin(outcome: CheckinOutcome, startedAt: number, readerId: string = this.desks[0]!.id): Promise<CheckinEvent> {
    let event = buildCheckinEvent(outcome, {
      eventId: randomUUID(),
      gatewayId: this.config.gatewayId,
      readerId,
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

  #stateChanged(readerId: string, state: ReaderState): void {
    this.bus.emit('reader-state', { readerId, state, at: Date.now() });
    void this.#publishReaderState(readerId, state);
  }

  async #publishReaderState(readerId: string, state: ReaderState): Promise<void> {
    if (!this.mqtt.connected) return;
    const payload = readerStatePayload({ config: this.config, readerId, state });
    await publishAsync(this.mqtt, this.topics.readerState(readerId), JSON.stringify(payload), { qos: 1, retain: true }).catch(() => {});
  }

  async #publishStatus(): Promise<void> {
    if (!this.mqtt.connected) return;
    const payload = gatewayStatusPayload({ config: this.config, version: this.version, form: 'online', since: this.startedAt, ...this.#statusDevices(), warnings: this.#warnings });
    await publishAsync(this.mqtt, this.topics.status, JSON.stringify(payload), { qos: 1, retain: true }).catch(() => {});
  }

  /** One reader: its devices with the line, as before. Several: the line, and each reader apart. */
  #statusDevices(): { devices: Record<string, { health(): { ok: boolean; detail: string } }>; readers?: DeskSummary[] } {
    return this.config.readers.length === 0 ? { devices: this.devices } : { devices: { line: this.line }, readers: this.readerSummaries() };
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
    await Promise.all(this.desks.map((desk) => desk.settle()));
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
    for (const desk of this.desks) await desk.stop();
    await this.line.stop().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'a device did not stop cleanly'));
    await this.broker?.close();
    await this.db.close();
  }
}
