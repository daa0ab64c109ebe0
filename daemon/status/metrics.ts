// Prometheus metrics (prom-client, on a registry of our own so tests can run several gateways in
// one process). Labels are result codes, device names and warning codes only: a label can never
// carry patient data because none of its values come from a card or an answer.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CheckinEvent } from '../flow/checkin-event.js';
import type { FeatureContext } from '../feature.js';
import type { HostFigures } from '../ops/host.js';

const LINE_CODES = new Set(['LINE_DOWN', 'LINE_TIMEOUT', 'LINE_ERROR']);
const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

export interface GatewayMetrics {
  readonly registry: Registry;
  observeCheckin(event: CheckinEvent): void;
  observeStep(step: string, seconds: number): void;
}

export function createMetrics(ctx: FeatureContext, host: () => HostFigures | null): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ gateway: ctx.config.gatewayId });
  collectDefaultMetrics({ register: registry, prefix: 'oqsgw_process_' });

  const checkins = new Counter({ name: 'oqsgw_checkins_total', help: 'Finished check-ins by result code', labelNames: ['result', 'method'] as const, registers: [registry] });
  const duration = new Histogram({
    name: 'oqsgw_checkin_duration_seconds', help: 'Time from card placed to check-in committed, by result code',
    labelNames: ['result'] as const, buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120], registers: [registry],
  });
  const steps = new Histogram({
    name: 'oqsgw_step_duration_seconds', help: "Time the reader spent in each check-in step ('querying': the eligibility line)",
    labelNames: ['step'] as const, buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60], registers: [registry],
  });
  const lineErrors = new Counter({ name: 'oqsgw_line_errors_total', help: 'Check-ins that failed on the eligibility line, by code', labelNames: ['code'] as const, registers: [registry] });
  for (const code of LINE_CODES) lineErrors.inc({ code }, 0);

  new Gauge({
    name: 'oqsgw_outbox_depth', help: 'Committed check-ins not yet delivered to the broker', registers: [registry],
    async collect() { this.set(await ctx.outbox.depth().catch(() => -1)); },
  });
  new Gauge({
    name: 'oqsgw_device_up', help: '1 when the device reports healthy', labelNames: ['device'] as const, registers: [registry],
    collect() { for (const [name, device] of Object.entries(ctx.devices)) this.set({ device: name }, device.health().ok ? 1 : 0); },
  });
  new Gauge({
    name: 'oqsgw_reader_up', help: '1 when the reader can take a check-in (card reader and panel up, started)', labelNames: ['reader'] as const, registers: [registry],
    collect() { for (const reader of ctx.readers) this.set({ reader: reader.id }, reader.summary().ok ? 1 : 0); },
  });
  new Gauge({
    name: 'oqsgw_line_breaker_state', help: 'Circuit breaker of the eligibility line (1 on the current state)', labelNames: ['state'] as const, registers: [registry],
    collect() { const now = ctx.devices.line.health().breaker; for (const state of BREAKER_STATES) this.set({ state }, state === now ? 1 : 0); },
  });
  new Gauge({
    name: 'oqsgw_broker_connected', help: '1 while connected to the MQTT broker', registers: [registry],
    collect() { this.set(ctx.mqtt.connected ? 1 : 0); },
  });
  new Gauge({
    name: 'oqsgw_warnings', help: 'Early warnings in force (certificate, disk, clock), by code', labelNames: ['code'] as const, registers: [registry],
    collect() { this.reset(); for (const w of ctx.state.warnings) this.inc({ code: w.code }); },
  });
  new Gauge({
    name: 'oqsgw_last_checkin_timestamp_seconds', help: 'Unix time of the last committed check-in (0: none since start)', registers: [registry],
    collect() { this.set((ctx.state.lastCheckinAt ?? 0) / 1000); },
  });
  new Gauge({
    name: 'oqsgw_uptime_seconds', help: 'Seconds since the gateway started', registers: [registry],
    collect() { this.set(Math.round((Date.now() - ctx.startedAt) / 1000)); },
  });
  // A figure the box cannot measure (no temperature sensor) is left out rather than shown as 0;
  // the 'source' label is what makes an empty gauge possible in prom-client.
  const hostGauge = (name: string, help: string, source: string, pick: (h: HostFigures) => number | null | undefined) =>
    new Gauge({
      name, help, labelNames: ['source'] as const, registers: [registry],
      collect() {
        const h = host();
        const v = h ? pick(h) : null;
        this.reset();
        if (typeof v === 'number') this.set({ source }, v);
      },
    });
  hostGauge('oqsgw_host_cpu_load_percent', 'CPU load of the box (%)', 'systeminformation', (h) => h.cpuLoadPercent);
  hostGauge('oqsgw_host_cpu_temperature_celsius', 'CPU temperature (absent without a sensor)', 'systeminformation', (h) => h.cpuTemperatureC);
  hostGauge('oqsgw_host_memory_available_bytes', 'Memory available', 'systeminformation', (h) => h.memory?.availableBytes);
  hostGauge('oqsgw_host_memory_total_bytes', 'Memory installed', 'systeminformation', (h) => h.memory?.totalBytes);
  hostGauge('oqsgw_host_disk_free_bytes', 'Free space on the disk holding dataDir', 'statfs', (h) => h.disk?.freeBytes);
  hostGauge('oqsgw_host_disk_total_bytes', 'Size of the disk holding dataDir', 'statfs', (h) => h.disk?.totalBytes);
  hostGauge('oqsgw_host_clock_synchronized', '1 synchronized, 0 not, -1 unknown', 'ntp', (h) => (h.clock.sync === 'synchronized' ? 1 : h.clock.sync === 'unsynchronized' ? 0 : -1));

  return {
    registry,
    observeStep(step, seconds) {
      steps.observe({ step }, seconds);
    },
    observeCheckin(event) {
      checkins.inc({ result: event.result.code, method: event.method ?? 'none' });
      duration.observe({ result: event.result.code }, event.durationMs / 1000);
      if (LINE_CODES.has(event.result.code)) lineErrors.inc({ code: event.result.code });
    },
  };
}
