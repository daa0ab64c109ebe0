// Retained payloads: the gateway's status (with its Last Will twin) and each reader's state.
// Neither carries patient data (invariant 6). Schemas: schemas/status.v1.schema.json,
// schemas/reader-state.v1.schema.json.
import type { GatewayConfig } from '../../config/schema.js';
import type { ReaderState } from '../flow/checkin-flow.js';

/** An early warning (certificate expiry, disk, clock: daemon/ops/warnings.ts); never patient data. */
export interface StatusWarning {
  readonly code: string;
  readonly message: string;
  readonly action: string;
}

interface HealthReporter {
  health(): { readonly ok: boolean; readonly detail: string };
}

/**
 * `online`: published while running. `stopped`: the offline form a clean stop publishes itself.
 * `lastWill`: the offline form handed to the broker at connect, which the broker publishes when the
 * gateway vanishes (crash, SIGKILL, power, network): only the broker knows when that happens, so
 * its `time` is null rather than the connect time; `since` says which run of the gateway it was.
 */
export type StatusForm = 'online' | 'stopped' | 'lastWill';

export function gatewayStatusPayload(input: {
  config: GatewayConfig;
  version: string;
  form: StatusForm;
  /** When this run of the gateway started (ms since the epoch). */
  since: number;
  devices?: Record<string, HealthReporter>;
  /** Several readers (`readers:`): each with its state and health; absent with one reader, as before. */
  readers?: readonly ReaderHealth[];
  warnings?: readonly StatusWarning[];
}) {
  return {
    schema: 'oqs.status.v1' as const,
    gatewayId: input.config.gatewayId,
    state: input.form === 'online' ? ('online' as const) : ('offline' as const),
    version: input.version,
    time: input.form === 'lastWill' ? null : new Date().toISOString(),
    since: new Date(input.since).toISOString(),
    devices: Object.fromEntries(Object.entries(input.devices ?? {}).map(([name, device]) => [name, device.health()])),
    ...(input.readers ? { readers: input.readers.map(({ id, state, ok, down, devices }) => ({ id, state, ok, down, devices })) } : {}),
    warnings: (input.warnings ?? []).map(({ code, message, action }) => ({ code, message, action })),
  };
}

/** A reader in the retained status: its state and device health, never patient data. */
export interface ReaderHealth {
  readonly id: string;
  readonly state: ReaderState;
  readonly ok: boolean;
  readonly down: string | null;
  readonly devices: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

export function readerStatePayload(input: { config: GatewayConfig; readerId: string; state: ReaderState }) {
  return {
    schema: 'oqs.reader-state.v1' as const,
    gatewayId: input.config.gatewayId,
    readerId: input.readerId,
    state: input.state,
    time: new Date().toISOString(),
  };
}
