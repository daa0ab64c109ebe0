// A gateway-side SerialReaderPanel and a PanelSimulator on the two ends of a socat pty pair, with
// short protocol timers so faults recover quickly. Everything is stopped by close().
import { once, type EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../vocabulary/log.js';
import type { PanelConfig } from '../../drivers/panel/config.js';
import { SerialReaderPanel } from '../../drivers/panel/serial-reader-panel.js';
import { PanelSimulator } from '../../drivers/panel/sim/panel-simulator.js';
import { ScriptedAnswers } from '../../drivers/panel/sim/scripted-answers.js';
import type { SimPanelScript } from '../../drivers/panel/sim/scripted-patient.js';
import { ptyPair, type PtyPair } from './panel-pty.js';

export const FAST: Pick<PanelConfig, 'baudRate' | 'language' | 'ackTimeoutMs' | 'maxResends' | 'heartbeatMs' | 'reconnectMinMs' | 'reconnectMaxMs'> = {
  // Short enough that faults recover quickly, long enough that a busy machine is not a dead panel.
  baudRate: 115200, language: 'ja', ackTimeoutMs: 150, maxResends: 5, heartbeatMs: 300, reconnectMinMs: 50, reconnectMaxMs: 200,
};

export interface PanelRig {
  readonly pair: PtyPair;
  readonly panel: SerialReaderPanel;
  readonly simulator: PanelSimulator;
  readonly patient: ScriptedAnswers;
  /** Everything the gateway side logged (JSON lines), to prove what is never in it. */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface RigOptions {
  readonly script?: SimPanelScript;
  readonly versions?: readonly number[];
  /** Start the gateway side before the simulator (the panel not yet there). */
  readonly panelFirst?: boolean;
}

function capturingLogger(lines: string[]): Logger {
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return createLogger('debug', sink);
}

export async function panelRig(options: RigOptions = {}): Promise<PanelRig> {
  const pair = await ptyPair();
  const logs: string[] = [];
  const patient = new ScriptedAnswers(options.script ?? {});
  const simulator = new PanelSimulator({ path: pair.panel, patient, ackTimeoutMs: 150, maxResends: 5, reopenMs: 50, ...(options.versions ? { versions: options.versions } : {}) });
  const panel = new SerialReaderPanel({ ...FAST, path: pair.gateway }, capturingLogger(logs));
  if (!options.panelFirst) await simulator.start();
  await panel.start();
  if (!options.panelFirst && !options.versions && !panel.health().ok) await waitForLink(panel, true);
  return {
    pair, panel, simulator, patient, logs,
    close: async () => {
      await panel.stop();
      await simulator.stop();
      await pair.close();
    },
  };
}

/** Waits for an event (bounded so a broken build fails instead of hanging). */
export async function waitFor<T extends unknown[]>(
  emitter: EventEmitter, event: string, match: (...args: T) => boolean = () => true, ms = 15_000,
): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  for (;;) {
    const args = (await once(emitter, event, { signal })) as T;
    if (match(...args)) return args;
  }
}

export function waitForLink(panel: SerialReaderPanel, up: boolean): Promise<unknown> {
  if (panel.health().ok === up) return Promise.resolve();
  return waitFor(panel, 'link', (state: { up: boolean }) => state.up === up);
}
