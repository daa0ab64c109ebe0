// N readers for one gateway (issue 18), each as a clinic would wire it: a card slot of a private
// pcscd + vpcd (pcsc-daemon.ts: one vpcd entry gives two slots) into which a virtual My Number
// card is put by a VpcdHost, and a reader panel on a socat pty pair with the panel simulator on
// the far end. The gateway under test opens the PC/SC reader by name and the pty's gateway end as
// a serial port (panel.driver 'serial'): from its side these are real devices. The test holds the
// other ends, so it can put a card in, make a card misbehave, or pull a panel's cable.
import type { FaultInjector } from '../../drivers/card/sim/faults.js';
import { VpcdHost, type ApduCard } from '../../drivers/card/sim/vpcd-host.js';
import { PanelSimulator } from '../../drivers/panel/sim/panel-simulator.js';
import { ScriptedAnswers } from '../../drivers/panel/sim/scripted-answers.js';
import type { SimPanelScript } from '../../drivers/panel/sim/scripted-patient.js';
import { ptyPair, type PtyPair } from './panel-pty.js';
import { startPcscStack, type PcscStack } from './pcsc-daemon.js';

export interface RigReader {
  readonly id: string;
  /** The PC/SC reader the gateway opens (card.readerName). */
  readonly readerName: string;
  readonly vpcdPort: number;
  readonly pty: PtyPair;
  readonly simulator: PanelSimulator;
  readonly patient: ScriptedAnswers;
  /** Whether a card is in (connected to vpcd). */
  readonly inserted: boolean;
  /** Puts a card in this reader (it connects to the slot's vpcd port). */
  insert(card: ApduCard, faults?: FaultInjector): Promise<void>;
  /** Takes the card out (nothing when there is none). */
  remove(): void;
  /** This reader's entry of the gateway's `readers:` config. */
  configEntry(extra?: { card?: Record<string, unknown>; panel?: Record<string, unknown> }): Record<string, unknown>;
}

export interface ReaderRig {
  readonly stack: PcscStack;
  readonly readers: readonly RigReader[];
  close(): Promise<void>;
}

/** Protocol timers of the gateway's serial panel in the rig: quick recovery, but a loaded box is not a dead panel. */
export const RIG_PANEL = { baudRate: 115200, ackTimeoutMs: 250, maxResends: 5, heartbeatMs: 1000, reconnectMinMs: 100, reconnectMaxMs: 1000 } as const;

class Reader implements RigReader {
  #host: VpcdHost | null = null;

  constructor(
    readonly id: string,
    readonly readerName: string,
    readonly vpcdPort: number,
    readonly pty: PtyPair,
    readonly simulator: PanelSimulator,
    readonly patient: ScriptedAnswers,
  ) {}

  get inserted(): boolean {
    return this.#host?.inserted ?? false;
  }

  async insert(card: ApduCard, faults?: FaultInjector): Promise<void> {
    this.remove();
    const host = new VpcdHost(card, { port: this.vpcdPort, ...(faults ? { faults } : {}) });
    this.#host = host;
    await host.insert();
  }

  remove(): void {
    const host = this.#host;
    this.#host = null;
    host?.remove();
  }

  configEntry(extra: { card?: Record<string, unknown>; panel?: Record<string, unknown> } = {}): Record<string, unknown> {
    return {
      id: this.id,
      card: { driver: 'pcsc', readerName: this.readerName, ...extra.card },
      panel: { driver: 'serial', path: this.pty.gateway, ...RIG_PANEL, ...extra.panel },
    };
  }
}

/**
 * `count` readers named `${prefix}1` ... ; every patient answers `script` (a PIN by default: the
 * pcsc driver has no 照合番号B without a card-front camera, so a face check-in would fall back).
 */
export async function startReaderRig(count: number, options: { prefix?: string; script?: SimPanelScript } = {}): Promise<ReaderRig> {
  const stack = await startPcscStack({ readers: count });
  const readers: Reader[] = [];
  const close = async () => {
    for (const r of readers) r.remove();
    for (const r of readers) {
      await r.simulator.stop();
      await r.pty.close();
    }
    await stack.stop();
  };
  try {
    for (const [i, virtual] of stack.readers.entries()) {
      const pty = await ptyPair();
      const patient = new ScriptedAnswers(options.script ?? { identity: 'pin' });
      const simulator = new PanelSimulator({ path: pty.panel, baudRate: RIG_PANEL.baudRate, patient, ackTimeoutMs: RIG_PANEL.ackTimeoutMs, maxResends: RIG_PANEL.maxResends, reopenMs: 100 });
      readers.push(new Reader(`${options.prefix ?? 'desk'}${i + 1}`, virtual.name, virtual.vpcdPort, pty, simulator, patient));
      await simulator.start();
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { stack, readers, close };
}
