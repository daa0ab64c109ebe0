// A feature is a part of the product that hangs off the running gateway (status endpoint, EHR
// requests, re-checks, systemd) without the core knowing it: add a file and one line to
// daemon/features.ts. It sees a narrow context — config, logger, store, MQTT, devices, what the
// gateway knows now, and a typed event bus — never the gateway itself, so no feature can reach
// into the wiring and no import loop can form. Started after the gateway is wired, stopped before
// it stops, in reverse.
import type { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../vocabulary/log.js';
import type { Devices, ReaderDevices } from './devices.js';
import type { DeskSummary } from './desk/reader-desk.js';
import type { CheckinEvent } from './flow/checkin-event.js';
import type { ReaderState } from './flow/checkin-flow.js';
import type { CardCheckRequest } from '../drivers/line/eligibility.js';
import type { StatusWarning } from './mqtt/payloads.js';
import type { Topics } from './mqtt/topics.js';
import type { Database } from './store/database.js';
import type { Outbox } from './store/outbox.js';

export interface GatewayEvents {
  /** A check-in was committed (before it is published). */
  checkin: [CheckinEvent];
  /** The reader moved to another state (the same states the retained state topic carries). */
  'reader-state': [{ readonly readerId: string; readonly state: ReaderState; readonly at: number }];
  /** A feature replaces the early warnings (certificate, disk, clock); the gateway republishes its status. */
  warnings: [readonly StatusWarning[]];
}

export type GatewayBus = EventEmitter<GatewayEvents>;

/** Adds to a check-in before it is committed (e.g. the EHR's patient id, daemon/ehr/). */
export type CheckinEnricher = (event: CheckinEvent) => Promise<CheckinEvent>;

/**
 * Stores a card check-in that met a down line for a re-check, BEFORE the check-in is committed, so
 * an event that says `recheck.status: 'queued'` always has its stored re-check (a SIGKILL between
 * the two leaves at worst a re-check of an event that was never committed, not the reverse).
 */
export type CheckinRechecker = (eventId: string, request: CardCheckRequest) => Promise<void>;

/** What the gateway knows right now; read-only, kept current by the gateway. */
export interface GatewayState {
  /** The first reader's state (the only reader's without `readers:`); ctx.readers has each. */
  readonly readerState: ReaderState;
  readonly lastCheckinAt: number | null;
  readonly warnings: readonly StatusWarning[];
}

/** One reader as a feature sees it (daemon/desk/reader-desk.ts). */
export interface ReaderView {
  readonly id: string;
  readonly devices: ReaderDevices;
  summary(): DeskSummary;
}

/** A feature's own part of /status: figures only, never patient data (invariant 6). */
export type StatusSection = () => Promise<Readonly<Record<string, unknown>>>;

export interface FeatureContext {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly version: string;
  readonly startedAt: number;
  /** The line, and the first reader's devices (the only reader's without `readers:`). */
  readonly devices: Devices;
  /** Every reader of this gateway, in config order: its id, its own devices, its state and health now. */
  readonly readers: readonly ReaderView[];
  readonly db: Database;
  readonly outbox: Outbox;
  readonly mqtt: MqttClient;
  readonly topics: Topics;
  /** host:port of the broker in use (never credentials), and whether it is the embedded one. */
  readonly broker: { readonly embedded: boolean; readonly kind: 'mosquitto' | 'aedes' | 'external'; readonly host: string | null };
  readonly state: GatewayState;
  readonly bus: GatewayBus;
  /** Called in order on every check-in before commit; returns the remover. */
  addCheckinEnricher(enricher: CheckinEnricher): () => void;
  /** Adds a section to /status under `features.<name>`; returns the remover. */
  addStatusSection(name: string, section: StatusSection): () => void;
  /** Every feature's status section, for the status endpoint (a failing one reads {error}). */
  statusSections(): Promise<Record<string, unknown>>;
  /** One at most (the EHR feature); without it, LINE_DOWN check-ins say no re-check will come. */
  setCheckinRechecker(rechecker: CheckinRechecker): () => void;
}

export interface GatewayFeature {
  readonly name: string;
  start(ctx: FeatureContext): Promise<void>;
  stop(): Promise<void>;
}

/** Returns null when the feature is switched off in config. */
export type FeatureFactory = (ctx: FeatureContext) => GatewayFeature | null;
