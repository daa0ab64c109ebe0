// The virtual My Number card (or phone): a pure APDU engine (command bytes in, response bytes out)
// that answers like the public readers say the chip does (drivers/card/README.md, field by field).
// Hosts (in-process, vpcd) add timing and removal; faults.ts adds misbehaviour. Retry counters
// survive resets and re-insertion, like the card's own memory; verified states do not.
// Like a real card it also honours what the gateway must never send (VERIFY or signing naming a
// key by short EF id in P2, the 照合番号A key, the Number's picture): the guard has to stop those,
// and this card records every attempt so the tests can prove it did.
import { constants, privateEncrypt, type KeyObject } from 'node:crypto';
import { decodeCommand, encodeResponse, type CommandApdu } from '../apdu/apdu.js';
import { CLA, INS, JPKI_FILE, LIMITS, P2_SELECTED_EF, SELECT_P1, SURFACE_FORBIDDEN_FILE } from '../apdu/constants.js';
import { SW } from '../apdu/status-words.js';
import { MYNUMBER_ATRS } from '../atr.js';
import { buildApps, type Access, type CardContent, type VirtualApp, type VirtualFile } from './card-files.js';

export interface VirtualCardSpec extends CardContent {
  readonly id: string;
  readonly privateKey: KeyObject;
  /** 't1' answers in one go; 't0' answers case-4 commands with 61xx + GET RESPONSE and caps READ
   * BINARY at 240 bytes with 6Cxx, like cards behind T=0 readers. */
  readonly protocol?: 't0' | 't1';
  /** The ATR; a My Number card's by default (a phone gets a contactless reader's synthetic one). */
  readonly atr?: Buffer;
}

const T0_MAX_READ = 0xf0;
/** Keys that unlock each access class of data file. */
const UNLOCKS: Readonly<Record<Access, readonly string[]>> = {
  always: [], never: [],
  userAuthPin: [`jpki:${JPKI_FILE.userAuthPin}`],
  faceKey: ['cardSurface:18', 'cardSurface:19'], // 0012 照合番号B or 0013 照合番号A
  numberKey: ['cardSurface:19'],
  birthKey: ['cardSurface:17'],
};

export class VirtualCard {
  readonly atr: Buffer;
  readonly id: string;
  readonly #spec: VirtualCardSpec;
  readonly #apps: VirtualApp[];
  #app: VirtualApp | null = null;
  #ef: { id: number; file: VirtualFile } | null = null;
  /** Keys verified since the last reset, as `app:id`. */
  #verified = new Set<string>();
  /** Tries left per key, as `app:id`; survives resets. */
  readonly #tries = new Map<string, number>();
  #pending: Buffer | null = null;
  /** Every attempt at the Individual Number (its AP, EF 0005/0013/0011 of the card-surface AP,
   * a key named in P2), for the allowlist tests. */
  readonly forbiddenSelects: string[] = [];
  /** Commands processed since creation (host-independent APDU count). */
  commands = 0;

  constructor(spec: VirtualCardSpec) {
    this.#spec = spec;
    this.id = spec.id;
    this.atr = Buffer.from(spec.atr ?? MYNUMBER_ATRS[0]!);
    this.#apps = buildApps(spec);
    for (const app of this.#apps) {
      for (const [id, file] of app.files) if (file.kind === 'pin') this.#tries.set(`${app.name}:${id}`, file.tries ?? 3);
    }
  }

  get pinTriesLeft(): number { return this.#tries.get(`jpki:${JPKI_FILE.userAuthPin}`) ?? 0; }
  get faceKeyTriesLeft(): number { return this.#tries.get('cardSurface:18') ?? 0; }

  /** What EF 0006 names. */
  get token(): CardContent['token'] { return this.#spec.token; }

  /** 照合番号B as printed on this card's front (what a face-auth reader's camera reads). */
  get surfaceKey(): string { return this.#spec.faceKey; }

  /** Power cycle: selection and verified states go, counters stay. */
  reset(): void {
    this.#app = null;
    this.#ef = null;
    this.#verified.clear();
    this.#pending = null;
  }

  process(raw: Buffer): Buffer {
    this.commands++;
    const cmd = decodeCommand(raw);
    if (!cmd) return sw(SW.wrongLength);
    if (cmd.ins !== INS.getResponse) this.#pending = null;
    if (cmd.cla === CLA.proprietary && cmd.ins === INS.computeDigitalSignature) return this.#sign(cmd);
    if (cmd.cla !== CLA.iso) return sw(SW.claNotSupported);
    switch (cmd.ins) {
      case INS.select: return this.#select(cmd);
      case INS.readBinary: return this.#readBinary(cmd);
      case INS.verify: return this.#verify(cmd);
      case INS.getResponse: return this.#getResponse(cmd);
      default: return sw(SW.insNotSupported);
    }
  }

  #noteForbidden(app: VirtualApp, id: number | null, what: string): void {
    if (app.name === 'cardInfoInputSupport') this.forbiddenSelects.push(`${what} ${app.name}${id === null ? '' : ` ${hex4(id)}`}`);
    else if (app.name === 'cardSurface' && id !== null && (Object.values(SURFACE_FORBIDDEN_FILE) as number[]).includes(id)) this.forbiddenSelects.push(`${what} cardSurface ${hex4(id)}`);
  }

  #select(cmd: CommandApdu): Buffer {
    const data = cmd.data ?? Buffer.alloc(0);
    if (cmd.p1 === SELECT_P1.byDfName) {
      const app = this.#apps.find((a) => a.aid.equals(data));
      if (!app) return sw(SW.fileNotFound);
      this.#noteForbidden(app, null, 'select');
      this.#app = app;
      this.#ef = null;
      return sw(SW.ok);
    }
    if (cmd.p1 === SELECT_P1.byFileId) {
      if (!this.#app || data.length !== 2) return sw(SW.fileNotFound);
      const id = data.readUInt16BE(0);
      this.#noteForbidden(this.#app, id, 'select');
      const file = this.#app.files.get(id);
      if (!file) return sw(SW.fileNotFound);
      this.#ef = { id, file };
      return sw(SW.ok);
    }
    return sw(SW.incorrectP1P2);
  }

  #allowed(access: Access): boolean {
    return access === 'always' || UNLOCKS[access].some((k) => this.#verified.has(k));
  }

  #readBinary(cmd: CommandApdu): Buffer {
    if (cmd.p1 & 0x80) return sw(SW.functionNotSupported);
    const ef = this.#ef;
    if (!ef || ef.file.kind !== 'binary') return sw(SW.commandNotAllowed);
    if (!this.#allowed(ef.file.access)) return sw(SW.securityNotSatisfied);
    const offset = (cmd.p1 << 8) | cmd.p2;
    const size = ef.file.data.length;
    if (offset >= size) return sw(SW.wrongP1P2);
    const le = cmd.le ?? LIMITS.maxShortLe;
    if (this.#spec.protocol === 't0' && le > T0_MAX_READ && size - offset > T0_MAX_READ) return sw(0x6c00 | T0_MAX_READ);
    const n = Math.min(le, size - offset);
    const data = ef.file.data.subarray(offset, offset + n);
    return encodeResponse(data, n < le ? SW.endOfFile : SW.ok); // 62 82: end of file before Le bytes
  }

  /** The key EF a VERIFY or signature names: P2 = 80 the current EF, 80|sfi the EF with that id
   * (selecting it, as a real card does: soltia48/myna-card src/card.rs verify_sfi). */
  #keyFor(cmd: CommandApdu): { id: number; file: VirtualFile } | null {
    if (!this.#app || cmd.p1 !== 0 || (cmd.p2 & 0xe0) !== 0x80) return null;
    if (cmd.p2 === P2_SELECTED_EF) return this.#ef;
    const id = cmd.p2 & 0x1f;
    this.#noteForbidden(this.#app, id, `key in P2 ${hex4(cmd.p2)}:`);
    const file = this.#app.files.get(id);
    if (!file) return null;
    this.#ef = { id, file };
    return this.#ef;
  }

  #verify(cmd: CommandApdu): Buffer {
    const app = this.#app;
    const ef = this.#keyFor(cmd);
    if (!app || !ef) return sw(SW.incorrectP1P2);
    if (ef.file.kind !== 'pin') return sw(SW.conditionsNotSatisfied);
    if (app.name === 'cardInfoInputSupport') return sw(SW.conditionsNotSatisfied);
    if (ef.file.secret === null || ef.file.secret === undefined) return sw(SW.referencedDataNotFound); // no PIN set
    const key = `${app.name}:${ef.id}`;
    const tries = this.#tries.get(key) ?? 0;
    // Locked: 63 C0 to the tries query, 69 84 to every VERIFY (issue 12; soltia48 src/card.rs).
    if (!cmd.data) return sw(0x63c0 | tries);
    if (tries === 0) return sw(SW.referenceDataNotUsable);
    const ok = cmd.data.equals(Buffer.from(ef.file.secret, 'ascii'));
    const left = ok ? (ef.file.tries ?? 3) : tries - 1;
    this.#tries.set(key, left);
    if (ok) this.#verified.add(key);
    else this.#verified.delete(key);
    return ok ? sw(SW.ok) : sw(0x63c0 | left);
  }

  #sign(cmd: CommandApdu): Buffer {
    const ef = this.#keyFor(cmd);
    if (!ef) return sw(SW.incorrectP1P2);
    if (ef.file.kind !== 'key' || this.#app?.name !== 'jpki') return sw(SW.conditionsNotSatisfied);
    if (!this.#allowed(ef.file.access)) return sw(SW.securityNotSatisfied);
    if (!cmd.data || cmd.data.length > 245) return sw(SW.wrongLength);
    // The card pads (PKCS#1 v1.5, block type 1) and exponentiates: privateEncrypt does exactly that.
    const signature = privateEncrypt({ key: this.#spec.privateKey, padding: constants.RSA_PKCS1_PADDING }, cmd.data);
    if (this.#spec.protocol === 't0') {
      this.#pending = signature;
      return sw(0x6100 | (signature.length & 0xff));
    }
    return encodeResponse(signature, SW.ok);
  }

  #getResponse(cmd: CommandApdu): Buffer {
    const pending = this.#pending;
    if (!pending) return sw(SW.conditionsNotSatisfied);
    const n = Math.min(cmd.le ?? LIMITS.maxShortLe, pending.length);
    const rest = pending.subarray(n);
    this.#pending = rest.length > 0 ? Buffer.from(rest) : null;
    return encodeResponse(pending.subarray(0, n), rest.length > 0 ? 0x6100 | (Math.min(rest.length, 256) & 0xff) : SW.ok);
  }
}

const sw = (word: number): Buffer => encodeResponse(Buffer.alloc(0), word);
const hex4 = (n: number): string => n.toString(16).padStart(4, '0').toUpperCase();
