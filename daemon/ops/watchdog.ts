// The systemd watchdog: WATCHDOG=1 is sent only while the process is really able to work — the
// event loop was not blocked since the last ping, the store answers, and no device has been
// unhealthy for too long. Withholding the ping lets systemd kill and restart the service
// (Restart=on-failure), which reopens pcscd, the camera and the serial port from scratch.
import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Notifier } from './notify.js';

/** Null when healthy, else why not (one sentence, no patient data). */
export type HealthProbe = () => Promise<string | null>;

export interface WatchdogOptions {
  readonly notifier: Notifier;
  /** How often to ping: half of WatchdogSec, as sd_watchdog_enabled(3) recommends. */
  readonly intervalMs: number;
  readonly maxLagMs: number;
  readonly probe: HealthProbe;
}

export interface WatchdogEvents {
  ping: [];
  withheld: [string];
}

export class Watchdog extends EventEmitter<WatchdogEvents> {
  #timer: NodeJS.Timeout | null = null;
  #lag: IntervalHistogram | null = null;
  #dueAt = 0;

  constructor(private readonly options: WatchdogOptions) {
    super();
  }

  start(): void {
    // 10 ms resolution: fine enough to see a blocked loop, cheap enough to run for years.
    this.#lag = monitorEventLoopDelay({ resolution: 10 });
    this.#lag.enable();
    this.#schedule();
  }

  #schedule(): void {
    this.#dueAt = Date.now() + this.options.intervalMs;
    this.#timer = setTimeout(() => void this.#tick(), this.options.intervalMs);
  }

  async #tick(): Promise<void> {
    // Two views of the same thing: the histogram sees blocks anywhere in the interval; this
    // timer's own lateness sees a block still unrecorded by the histogram's timer when we run.
    const lagMs = Math.max(this.#lag ? this.#lag.max / 1e6 : 0, Date.now() - this.#dueAt);
    this.#lag?.reset();
    let reason: string | null = null;
    if (lagMs > this.options.maxLagMs) reason = `event loop blocked for ${Math.round(lagMs)} ms (limit ${this.options.maxLagMs} ms)`;
    else reason = await this.options.probe().catch((error: unknown) => `health probe failed: ${String(error)}`);
    if (this.#timer === null) return; // stopped while probing
    if (reason === null) {
      await this.options.notifier.notify('WATCHDOG=1').catch(() => {});
      this.emit('ping');
    } else {
      this.emit('withheld', reason);
    }
    if (this.#timer !== null) this.#schedule();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#lag?.disable();
    this.#lag = null;
  }
}

/** Resolves with the value, or rejects when it takes longer than ms (a hung store is unhealthy). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
