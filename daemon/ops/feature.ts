// The ops feature: tells systemd we are ready (READY=1), alive (WATCHDOG=1, only while healthy)
// and stopping (STOPPING=1), and re-checks certificates, disk and clock, putting warnings on the
// retained status and in the logs. Keep it last in FEATURES: READY=1 means everything started.
import type { FeatureContext, FeatureFactory, GatewayFeature } from '../feature.js';
import type { Logger } from '../../vocabulary/log.js';
import { clockSync, diskFigures } from './host.js';
import { lineCertExpiries } from './certs.js';
import { lineClockSkew, lineEndpoint } from './doctor/line-check.js';
import { createNotifier, watchdogIntervalMs, type Notifier } from './notify.js';
import { computeWarnings, sameWarnings, type OpsWarning } from './warnings.js';
import { Watchdog, within } from './watchdog.js';

/** Devices whose failure a restart can cure; the line and the broker are outside the box. */
const LOCAL_DEVICES = ['card', 'face', 'panel'] as const;

export class OpsFeature implements GatewayFeature {
  readonly name = 'ops';
  #notifier: Notifier | null = null;
  #watchdog: Watchdog | null = null;
  #timer: NodeJS.Timeout | null = null;
  #onSigterm: (() => void) | null = null;
  #unhealthySince = new Map<string, number>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async start(ctx: FeatureContext): Promise<void> {
    const log = ctx.logger.child({ component: 'ops' });
    // Not awaited: an unreachable line must not hold up READY=1 for its connect timeout.
    void this.checkWarnings(ctx, log);
    this.#timer = setInterval(() => void this.checkWarnings(ctx, log), ctx.config.ops.checkEverySeconds * 1000);
    this.#timer.unref();

    const notifier = createNotifier(this.env);
    this.#notifier = notifier;
    if (!notifier.enabled) return;
    const intervalMs = watchdogIntervalMs(this.env);
    if (intervalMs !== null) {
      const watchdog = new Watchdog({
        notifier,
        intervalMs: Math.max(50, Math.floor(intervalMs / 2)),
        maxLagMs: ctx.config.ops.maxEventLoopLagMs,
        probe: () => this.#probe(ctx, Math.max(50, Math.floor(intervalMs / 4))),
      });
      let last: string | null = null;
      watchdog.on('withheld', (reason) => {
        if (reason !== last) log.error({ reason }, 'systemd watchdog ping withheld; systemd restarts the service if this persists');
        last = reason;
      });
      watchdog.on('ping', () => {
        if (last !== null) log.info('systemd watchdog pings resumed');
        last = null;
      });
      watchdog.start();
      this.#watchdog = watchdog;
    }
    this.#onSigterm = () => void notifier.notify('STOPPING=1\nSTATUS=stopping: finishing the check-in in progress').catch(() => {});
    process.once('SIGTERM', this.#onSigterm);
    await notifier.notify(`READY=1\nSTATUS=${this.#statusLine(ctx)}\nMAINPID=${process.pid}`);
    log.info({ watchdogMs: intervalMs }, 'systemd notified: ready');
  }

  #statusLine(ctx: FeatureContext): string {
    const warnings = ctx.state.warnings.length ? `; ${ctx.state.warnings.length} warning(s): ${ctx.state.warnings.map((w) => w.code).join(', ')}` : '';
    const ids = ctx.config.readers.map((r) => r.id);
    const readers = ids.length > 0 ? `${ids.length} reader(s) (${ids.join(', ')})` : `reader ${ctx.config.readerId}`;
    return `running, ${readers}${warnings}`;
  }

  /** Null when the box can work; else why it cannot (the watchdog then stays silent). */
  async #probe(ctx: FeatureContext, timeoutMs: number): Promise<string | null> {
    await within(ctx.outbox.depth(), timeoutMs, 'the SQLite store');
    const limitS = ctx.config.ops.deviceUnhealthySeconds;
    if (limitS === 0) return null;
    const now = Date.now();
    if (ctx.config.readers.length > 0) return this.#probeReaders(ctx, now, limitS);
    for (const name of LOCAL_DEVICES) {
      const health = ctx.devices[name].health();
      if (health.ok) {
        this.#unhealthySince.delete(name);
        continue;
      }
      const since = this.#unhealthySince.get(name) ?? now;
      this.#unhealthySince.set(name, since);
      if (now - since >= limitS * 1000) return `${name} unhealthy for ${Math.round((now - since) / 1000)} s: ${health.detail}`;
    }
    return null;
  }

  /**
   * Several readers: a restart would cut every reader's check-in in progress to maybe revive one,
   * so the ping is withheld only once EVERY reader has been unable to take a check-in that long.
   */
  #probeReaders(ctx: FeatureContext, now: number, limitS: number): string | null {
    const down: string[] = [];
    for (const reader of ctx.readers) {
      const summary = reader.summary();
      const key = `reader:${reader.id}`;
      if (summary.ok) {
        this.#unhealthySince.delete(key);
        continue;
      }
      const since = this.#unhealthySince.get(key) ?? now;
      this.#unhealthySince.set(key, since);
      if (now - since >= limitS * 1000) down.push(`${reader.id} (${summary.down ?? 'down'})`);
    }
    return down.length > 0 && down.length === ctx.readers.length ? `every reader unable to take a check-in for ${limitS} s or more: ${down.join(', ')}` : null;
  }

  /** Public for `oqsgw doctor` and tests: recomputes warnings; logs and republishes on change. */
  async checkWarnings(ctx: FeatureContext, log: Logger): Promise<readonly OpsWarning[]> {
    const clock = await clockSync();
    const skewSeconds = await this.#clockSkew(ctx);
    const warnings = computeWarnings({ certs: lineCertExpiries(ctx.config.line), disk: diskFigures(ctx.config.dataDir), clock: clock.sync, skewSeconds }, ctx.config.ops);
    if (!sameWarnings(warnings, ctx.state.warnings)) {
      for (const w of warnings) log.warn({ code: w.code, action: w.action }, w.message);
      if (warnings.length === 0 && ctx.state.warnings.length > 0) log.info('all warnings cleared');
      ctx.bus.emit('warnings', warnings);
      if (this.#notifier?.enabled) void this.#notifier.notify(`STATUS=${this.#statusLine(ctx)}`).catch(() => {});
    }
    return warnings;
  }

  /** Our clock against the eligibility service's (its Date header over the real mTLS line). */
  async #clockSkew(ctx: FeatureContext): Promise<number | null> {
    const sim = (ctx.devices.line as { service?: { port?: number } | null }).service;
    const endpoint = lineEndpoint(ctx.config, sim?.port ?? null);
    if (!endpoint) return null;
    return lineClockSkew(endpoint.url, endpoint.tls, ctx.config.line.connectTimeoutMs + 2000);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#watchdog?.stop();
    if (this.#onSigterm) process.off('SIGTERM', this.#onSigterm);
    await this.#notifier?.notify('STOPPING=1').catch(() => {});
    this.#notifier?.close();
    this.#notifier = null;
  }
}

export const opsFeature: FeatureFactory = () => new OpsFeature();
