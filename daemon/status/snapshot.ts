// The /status and /readyz documents. Built only from the box's own state: device health texts,
// times, counts, certificate dates of the clinic's certificates and host figures — never from a
// check-in's eligibility answer, so no patient data can appear here (invariant 6).
import type { Gateway } from '../gateway.js';
import type { CertExpiry } from '../ops/certs.js';
import type { HostFigures } from './host.js';
import type { LineTracker } from './line-tracker.js';

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready, one short sentence each; empty when ready. */
  readonly reasons: string[];
}

export function readiness(gateway: Gateway, stopping: boolean): Readiness {
  const reasons: string[] = [];
  if (stopping) reasons.push('the gateway is stopping');
  for (const [name, device] of Object.entries(gateway.devices)) {
    const health = device.health();
    if (!health.ok) reasons.push(`${name}: ${health.detail}`);
  }
  if (gateway.readerState === 'error') reasons.push('the reader is in its error state');
  return { ready: reasons.length === 0, reasons };
}

/** host:port only: a URL may carry credentials (mqtt://user:pass@host). */
function brokerHost(gateway: Gateway): string | null {
  if (gateway.broker) return `127.0.0.1:${gateway.broker.port}`;
  try {
    return new URL(gateway.config.mqtt.url).host;
  } catch {
    return null;
  }
}

export interface StatusInputs {
  readonly gateway: Gateway;
  readonly line: LineTracker;
  readonly host: HostFigures | null;
  readonly certs: readonly CertExpiry[];
  readonly stopping: boolean;
}

export async function statusDocument({ gateway, line, host, certs, stopping }: StatusInputs) {
  const lineHealth = gateway.devices.line.health();
  const devices = Object.fromEntries(
    (['card', 'face', 'panel'] as const).map((name) => {
      const { ok, detail } = gateway.devices[name].health();
      return [name, { ok, detail }];
    }),
  );
  const outboxDepth = await gateway.outbox.depth().catch(() => null);
  return {
    schema: 'oqs.gateway-status.v1' as const,
    gatewayId: gateway.config.gatewayId,
    readerId: gateway.config.readerId,
    version: gateway.version,
    time: new Date().toISOString(),
    startedAt: new Date(gateway.startedAt).toISOString(),
    uptimeSeconds: Math.round((Date.now() - gateway.startedAt) / 1000),
    ready: readiness(gateway, stopping),
    reader: { state: gateway.readerState },
    devices,
    line: {
      driver: gateway.config.line.driver,
      ok: lineHealth.ok,
      detail: lineHealth.detail,
      circuit: lineHealth.breaker,
      lastSuccessAt: line.lastSuccessAt,
      lastError: line.lastError,
    },
    broker: { connected: gateway.mqtt.connected, embedded: gateway.broker !== null, host: brokerHost(gateway) },
    outbox: { depth: outboxDepth },
    lastCheckinAt: gateway.lastCheckinAt === null ? null : new Date(gateway.lastCheckinAt).toISOString(),
    certificates: certs.map(({ role, file, notAfter, daysLeft, error }) => ({ role, file, notAfter, daysLeft, ...(error ? { error } : {}) })),
    host,
    warnings: gateway.warnings,
  };
}
