// The virtual My Number card: a pure APDU engine (command bytes in, response bytes out) that
// answers like the real chip for everything the gateway uses. Hosts (in-process, vpcd) add
// timing and removal; faults.ts adds misbehaviour. PIN retry counters survive resets and
// re-insertion, like the card's own memory.
import { constants, privateEncrypt, type KeyObject } from 'node:crypto';
import { decodeCommand, encodeResponse, type CommandApdu } from '../apdu/apdu.js';
import { CLA, INS, JPKI_FILE, LIMITS, P2_SELECTED_EF, SELECT_P1, SURFACE_FILE } from '../apdu/constants.js';
import { SW } from '../apdu/status-words.js';
import { MYNUMBER_ATRS } from '../atr.js';
import { buildApps, type CardContent, type VirtualApp, type VirtualFile } from './card-files.js';

export interface VirtualCardSpec extends CardContent {
  readonly id: string;
  readonly privateKey: KeyObject;
  /** The user-authentication PIN (4 digits). */
  readonly pin: string;
  /** 照合番号B (14 digits) opening the card-surface AP. */
  readonly surfaceKey: string;
  /** 't1' answers in one go; 't0' answers case-4 commands with 61xx + GET RESPONSE and caps READ
   * BINARY at 240 bytes with 6Cxx, like cards behind T=0 readers. */
  readonly protocol?: 't0' | 't1';
}

const SURFACE_KEY_TRIES = 10;
const T0_MAX_READ = 0xf0;

export class VirtualCard {
  readonly atr: Buffer = Buffer.from(MYNUMBER_ATRS[0]!);
  readonly id: string;
  readonly #spec: VirtualCardSpec;
  readonly #apps: VirtualApp[];
  #app: VirtualApp | null = null;
  #ef: { id: number; file: VirtualFile } | null = null;
  #pinVerified = false;
  #surfaceVerified = false;
  #pinTries: number = LIMITS.userAuthPinTries;
  #surfaceTries = SURFACE_KEY_TRIES;
  #pending: Buffer | null = null;
  /** Every SELECT of the Individual Number's AP or file, for the allowlist tests. */
  readonly forbiddenSelects: string[] = [];
  /** Commands processed since creation (host-independent APDU count). */
  commands = 0;

  constructor(spec: VirtualCardSpec) {
    this.#spec = spec;
    this.id = spec.id;
    this.#apps = buildApps(spec);
  }

  get pinTriesLeft(): number { return this.#pinTries; }

  /** 照合番号B as printed on this card's front (what a face-auth reader's camera reads). */
  get surfaceKey(): string { return this.#spec.surfaceKey; }

  /** Power cycle: selection and verified states go, counters stay. */
  reset(): void {
    this.#app = null;
    this.#ef = null;
    this.#pinVerified = false;
    this.#surfaceVerified = false;
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

  #select(cmd: CommandApdu): Buffer {
    const data = cmd.data ?? Buffer.alloc(0);
    if (cmd.p1 === SELECT_P1.byDfName) {
      const app = this.#apps.find((a) => a.aid.equals(data));
      if (!app) return sw(SW.fileNotFound);
      if (app.name === 'cardInfoInputSupport') this.forbiddenSelects.push(`app ${data.toString('hex')}`);
      this.#app = app;
      this.#ef = null;
      return sw(SW.ok);
    }
    if (cmd.p1 === SELECT_P1.byFileId) {
      if (!this.#app || data.length !== 2) return sw(SW.fileNotFound);
      const id = data.readUInt16BE(0);
      const file = this.#app.files.get(id);
      if (this.#app.name === 'cardInfoInputSupport') this.forbiddenSelects.push(`file ${data.toString('hex')}`);
      if (!file) return sw(SW.fileNotFound);
      this.#ef = { id, file };
      return sw(SW.ok);
    }
    return sw(SW.incorrectP1P2);
  }

  #allowed(access: VirtualFile['access']): boolean {
    return access === 'always' || (access === 'userAuthPin' && this.#pinVerified) || (access === 'surfaceKey' && this.#surfaceVerified);
  }

  #readBinary(cmd: CommandApdu): Buffer {
    if (cmd.p1 & 0x80) return sw(SW.functionNotSupported);
    const ef = this.#ef;
    if (ef?.file.kind !== 'binary') return sw(SW.commandNotAllowed);
    if (!this.#allowed(ef.file.access)) return sw(SW.securityNotSatisfied);
    const offset = (cmd.p1 << 8) | cmd.p2;
    const size = ef.file.data.length;
    if (offset >= size) return sw(SW.wrongP1P2);
    const le = cmd.le ?? LIMITS.maxShortLe;
    if (this.#spec.protocol === 't0' && le > T0_MAX_READ && size - offset > T0_MAX_READ) return sw(0x6c00 | T0_MAX_READ);
    const n = Math.min(le, size - offset);
    const data = ef.file.data.subarray(offset, offset + n);
    return encodeResponse(data, n < le ? 0x6282 : SW.ok); // 62 82: end of file before Le bytes
  }

  #verify(cmd: CommandApdu): Buffer {
    const ef = this.#ef;
    if (cmd.p1 !== 0 || cmd.p2 !== P2_SELECTED_EF) return sw(SW.incorrectP1P2);
    if (ef?.file.kind !== 'pin' || !this.#app || this.#app.name === 'cardInfoInputSupport') return sw(SW.conditionsNotSatisfied);
    const surface = ef.id === SURFACE_FILE.pinB && this.#app.name === 'cardSurface';
    if (!surface && ef.id !== JPKI_FILE.userAuthPin) return sw(SW.conditionsNotSatisfied);
    const tries = surface ? this.#surfaceTries : this.#pinTries;
    if (!cmd.data) return tries === 0 ? sw(SW.authMethodBlocked) : sw(0x63c0 | tries);
    if (tries === 0) return sw(SW.authMethodBlocked);
    const expected = Buffer.from(surface ? this.#spec.surfaceKey : this.#spec.pin, 'ascii');
    const ok = cmd.data.equals(expected);
    const left = ok ? (surface ? SURFACE_KEY_TRIES : LIMITS.userAuthPinTries) : tries - 1;
    if (surface) { this.#surfaceTries = left; this.#surfaceVerified = ok; } else { this.#pinTries = left; this.#pinVerified = ok; }
    return ok ? sw(SW.ok) : sw(0x63c0 | left);
  }

  #sign(cmd: CommandApdu): Buffer {
    const ef = this.#ef;
    if (cmd.p1 !== 0 || cmd.p2 !== P2_SELECTED_EF) return sw(SW.incorrectP1P2);
    if (ef?.file.kind !== 'key' || this.#app?.name !== 'jpki') return sw(SW.conditionsNotSatisfied);
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
