// Shared set-up for the card tests: the test PKI, virtual cards, and sessions over an in-process
// transport (no pcscd), so the JPKI code can be exercised exactly as the drivers run it.
import { spawnSync } from 'node:child_process';
import { fromRoot } from '../../vocabulary/paths.js';
import type { ApduTransport } from '../../drivers/card/apdu/transport.js';
import { ChannelCardSession } from '../../drivers/card/card-session.js';
import { DirectTransport } from '../../drivers/card/sim/direct-transport.js';
import { FaultInjector, type CardFault } from '../../drivers/card/sim/faults.js';
import { loadProfile } from '../../drivers/card/sim/profiles.js';
import { VirtualCard, type VirtualCardSpec } from '../../drivers/card/sim/virtual-card.js';
import type { ApduCard } from '../../drivers/card/sim/vpcd-host.js';
import { FaceKey } from '../../vocabulary/face-key.js';
import { mulberry32 } from '../../vocabulary/mulberry32.js';

export const PKI_DIR = fromRoot('var', 'pki');

/** Makes (or reuses) the test PKI; the script is idempotent and locked against parallel runs. */
let pkiReady = false;
export function ensurePki(): string {
  if (pkiReady) return PKI_DIR;
  const r = spawnSync('bash', [fromRoot('scripts', 'gen-test-pki.sh'), PKI_DIR], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen-test-pki.sh failed: ${r.stderr}`);
  pkiReady = true;
  return PKI_DIR;
}

const specs = new Map<string, VirtualCardSpec>();

/** A fresh virtual card (fresh PIN counter); profiles are loaded once per test file. */
export function virtualCard(id = 'yamada-taro', options: { protocol?: 't0' | 't1'; withPhoto?: boolean } = {}): VirtualCard {
  const key = `${id}/${options.protocol ?? 't1'}/${options.withPhoto ?? true}`;
  let spec = specs.get(key);
  if (!spec) {
    spec = loadProfile(ensurePki(), id, options);
    specs.set(key, spec);
  }
  return new VirtualCard(spec);
}

/** Seeded PRNG (mulberry32) so a failing fuzz or fault case can be replayed. */
export const seeded = mulberry32;

export interface TestSession {
  readonly session: ChannelCardSession;
  readonly card: VirtualCard;
  readonly removal: AbortController;
  /** Every command APDU that left the driver. */
  readonly sent: Buffer[];
}

/** A session on a virtual card in this process, optionally misbehaving. */
export function directSession(card: VirtualCard, options: { fault?: CardFault; seed?: number; timeoutMs?: number; slowMs?: number; surfaceKey?: boolean } = {}): TestSession {
  const removal = new AbortController();
  const sent: Buffer[] = [];
  const faults = new FaultInjector(options.fault ?? 'none', { random: seeded(options.seed ?? 1), slowMs: options.slowMs ?? 20 });
  const inner = new DirectTransport(card, faults, () => removal.abort());
  const transport: ApduTransport = { transmit: (apdu, signal) => { sent.push(Buffer.from(apdu)); return inner.transmit(apdu, signal); } };
  const session = new ChannelCardSession(transport, {
    atr: card.atr, kind: 'mynumber', token: card.token === 'android' || card.token === 'iphone' ? 'smartphone' : 'card',
    removed: removal.signal, timeoutMs: options.timeoutMs ?? 1000,
    surfaceKey: options.surfaceKey === false ? () => null : () => faceKeyOf(card.surfaceKey),
  });
  return { session, card, removal, sent };
}

/** A FaceKey from 14 digits (throws on a malformed one: a test bug). */
export function faceKeyOf(digits: string): FaceKey {
  const r = FaceKey.parse(digits);
  if (!r.ok) throw new Error(`test face key: ${r.message}`);
  return r.key;
}

/** A contact card that is not a My Number card: its own ATR, and no JPKI AP (6A 82 to all). */
export function foreignCard(): ApduCard {
  return { atr: Buffer.from('3B8F8001804F0CA000000306030001000000006A', 'hex'), reset: () => undefined, process: () => Buffer.from([0x6a, 0x82]) };
}
