// The status feature: HTTP /healthz, /readyz, /status and /metrics, fed by check-in events, the
// devices' health, and host figures sampled in the background (so a slow sensor never slows a
// request).
import type { FeatureContext, FeatureFactory, GatewayFeature } from '../feature.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import { ConfigError } from '../../vocabulary/config-error.js';
import type { Logger } from '../../vocabulary/log.js';
import type { StatusConfig } from './config.js';
import { lineCertExpiries, type CertExpiry } from '../ops/certs.js';
import { sampleHost, type HostFigures } from '../ops/host.js';
import { LineTracker } from './line-tracker.js';
import { createMetrics } from './metrics.js';
import { watchSteps } from './step-timer.js';
import { readiness, statusDocument } from './snapshot.js';
import { StatusServer } from './server.js';

export class StatusFeature implements GatewayFeature {
  readonly name = 'status';
  #server: StatusServer | null = null;
  #timer: NodeJS.Timeout | null = null;
  #host: HostFigures | null = null;
  #certs: CertExpiry[] = [];
  #stopping = false;
  #unsubscribe: (() => void) | null = null;
  #retry: NodeJS.Timeout | null = null;
  #config: StatusConfig | null = null;

  /** The bound port (useful with status.port 0). */
  get port(): number {
    return this.#server?.port ?? 0;
  }

  async start(ctx: FeatureContext): Promise<void> {
    const config = ctx.config.status;
    this.#config = config;
    const log = ctx.logger.child({ component: 'status' });
    const line = new LineTracker();
    const metrics = createMetrics(ctx, () => this.#host);
    const onCheckin = (event: CheckinEvent) => {
      line.observe(event);
      metrics.observeCheckin(event);
    };
    ctx.bus.on('checkin', onCheckin);
    const unwatch = watchSteps(ctx.bus, (step, seconds) => metrics.observeStep(step, seconds));
    this.#unsubscribe = () => {
      ctx.bus.off('checkin', onCheckin);
      unwatch();
    };

    const sample = async () => {
      this.#certs = lineCertExpiries(ctx.config.line);
      this.#host = await sampleHost(ctx.config.dataDir).catch(() => this.#host);
    };
    // In the background: host figures take a second or so (CPU load is measured over an
    // interval, the clock state asks other programs) and must not delay the gateway's start.
    void sample();
    this.#timer = setInterval(() => void sample(), config.hostFiguresSeconds * 1000);
    this.#timer.unref();

    this.#server = new StatusServer(config, {
      healthz: async () => ({ status: 200, body: { ok: true, uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000) } }),
      readyz: async () => {
        const r = readiness(ctx, this.#stopping);
        return { status: r.ready ? 200 : 503, body: r };
      },
      status: async () => ({ status: 200, body: await statusDocument({ ctx, line, host: this.#host, certs: this.#certs, stopping: this.#stopping }) }),
      metrics: async () => ({ status: 200, text: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
    }, (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'status endpoint error'));
    await this.#listen(log);
  }

  /**
   * A port that is taken must not stop check-ins: the endpoint is for watching, so the gateway
   * runs on without it and tries to bind again every 30 s. Config errors (no token) still throw.
   */
  async #listen(log: Logger): Promise<void> {
    const server = this.#server;
    if (!server) return;
    try {
      await server.start();
      log.info({ host: this.#config?.host, port: server.port, token: this.#config?.token !== '' }, 'status endpoint listening');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      log.error({ err: error instanceof Error ? error.message : String(error), host: this.#config?.host, port: this.#config?.port }, 'status endpoint could not listen; check-ins go on, retrying in 30 s');
      this.#retry = setTimeout(() => void this.#listen(log), 30000);
      this.#retry.unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    this.#unsubscribe?.();
    await this.#server?.stop();
    this.#server = null;
  }
}

export const statusFeature: FeatureFactory = (ctx) => (ctx.config.status.enabled ? new StatusFeature() : null);
