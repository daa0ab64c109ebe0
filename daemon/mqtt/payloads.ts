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

export function gatewayStatusPayload(input: {
  config: GatewayConfig;
  version: string;
  online: boolean;
  devices?: Record<string, HealthReporter>;
  warnings?: readonly StatusWarning[];
}) {
  return {
    schema: 'oqs.status.v1' as const,
    gatewayId: input.config.gatewayId,
    state: input.online ? ('online' as const) : ('offline' as const),
    version: input.version,
    time: new Date().toISOString(),
    devices: Object.fromEntries(Object.entries(input.devices ?? {}).map(([name, device]) => [name, device.health()])),
    warnings: (input.warnings ?? []).map(({ code, message, action }) => ({ code, message, action })),
  };
}

export function readerStatePayload(input: { config: GatewayConfig; state: ReaderState }) {
  return {
    schema: 'oqs.reader-state.v1' as const,
    gatewayId: input.config.gatewayId,
    readerId: input.config.readerId,
    state: input.state,
    time: new Date().toISOString(),
  };
}
