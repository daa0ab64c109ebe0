// The /status and /readyz documents. Built only from the box's own state: device health texts,
// times, counts, certificate dates of the clinic's certificates and host figures — never from a
// check-in's eligibility answer, so no patient data can appear here (invariant 6).
import type { FeatureContext } from '../feature.js';
import type { CertExpiry } from '../ops/certs.js';
import type { HostFigures } from '../ops/host.js';
import type { LineTracker } from './line-tracker.js';

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready, one short sentence each; empty when ready. */
  readonly reasons: string[];
  /** Several readers (`readers:`): each reader that cannot take a check-in now, and why, ready or not. */
  readonly readersDown?: { readonly id: string; readonly why: string }[];
}

/**
 * Ready = a check-in can be taken now. One reader: every device healthy and the reader out of its
 * error state, as before. Several: the line up and at least one reader able to take a check-in;
 * the readers that cannot are named in `readersDown` either way (docs/operations.md says why a
 * hospital's entrance-2 being down does not make the whole box unready).
 */
export function readiness(ctx: FeatureContext, stopping: boolean): Readiness {
  const reasons: string[] = [];
  if (stopping) reasons.push('the gateway is stopping');
  if (ctx.config.readers.length === 0) {
    for (const [name, device] of Object.entries(ctx.devices)) {
      const health = device.health();
      if (!health.ok) reasons.push(`${name}: ${health.detail}`);
    }
    if (ctx.state.readerState === 'error') reasons.push('the reader is in its error state');
    return { ready: reasons.length === 0, reasons };
  }
  const line = ctx.devices.line.health();
  if (!line.ok) reasons.push(`line: ${line.detail}`);
  const readersDown = ctx.readers.map((r) => r.summary()).filter((r) => !r.ok).map((r) => ({ id: r.id, why: r.down ?? 'down' }));
  if (readersDown.length === ctx.readers.length) reasons.push(`no reader can take a check-in (${readersDown.map((r) => `${r.id}: ${r.why}`).join('; ')})`);
  return { ready: reasons.length === 0, reasons, readersDown };
}

export interface StatusInputs {
  readonly ctx: FeatureContext;
  readonly line: LineTracker;
  readonly host: HostFigures | null;
  readonly certs: readonly CertExpiry[];
  readonly stopping: boolean;
}

export async function statusDocument({ ctx, line, host, certs, stopping }: StatusInputs) {
  const lineHealth = ctx.devices.line.health();
  const devices = Object.fromEntries(
    (['card', 'face', 'panel'] as const).map((name) => {
      const { ok, detail } = ctx.devices[name].health();
      return [name, { ok, detail }];
    }),
  );
  const outboxDepth = await ctx.outbox.depth().catch(() => null);
  return {
    schema: 'oqs.gateway-status.v1' as const,
    gatewayId: ctx.config.gatewayId,
    /** The first reader's (the only one without `readers:`); `readers` has each. */
    readerId: ctx.readers[0]?.id ?? ctx.config.readerId,
    version: ctx.version,
    time: new Date().toISOString(),
    startedAt: new Date(ctx.startedAt).toISOString(),
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
    ready: readiness(ctx, stopping),
    /** The first reader (the only one without `readers:`); `readers` has each. */
    reader: { state: ctx.state.readerState },
    devices,
    readers: ctx.readers.map((r) => {
      const { id, state, ok, down, devices: health, lastCheckinAt } = r.summary();
      return { id, state, ok, down, devices: health, lastCheckinAt: lastCheckinAt === null ? null : new Date(lastCheckinAt).toISOString() };
    }),
    line: {
      driver: ctx.config.line.driver,
      ok: lineHealth.ok,
      detail: lineHealth.detail,
      circuit: lineHealth.breaker,
      // The line's own record (every answered request) or, for a client that keeps none, check-ins.
      lastSuccessAt: latest(lineHealth.lastSuccessAt ?? null, line.lastSuccessAt),
      lastError: line.lastError,
    },
    broker: { connected: ctx.mqtt.connected, embedded: ctx.broker.embedded, kind: ctx.broker.kind, host: ctx.broker.host },
    outbox: { depth: outboxDepth },
    lastCheckinAt: ctx.state.lastCheckinAt === null ? null : new Date(ctx.state.lastCheckinAt).toISOString(),
    certificates: certs.map(({ role, file, notAfter, daysLeft, error }) => ({ role, file, notAfter, daysLeft, ...(error ? { error } : {}) })),
    host,
    warnings: ctx.state.warnings,
    /** Features' own sections (e.g. ehrFiles: the official file exchange, docs/ehr-files.md). */
    features: await ctx.statusSections(),
  };
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
