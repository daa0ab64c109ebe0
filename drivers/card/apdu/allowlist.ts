// The allowlist (invariant 1). Every SELECT the driver sends is built here from a named target,
// and every APDU leaving a CardChannel passes ApduGuard.check(), which refuses whatever the
// gateway does not use — whoever built the bytes:
// - only SELECT, READ BINARY, VERIFY, COMPUTE DIGITAL SIGNATURE and GET RESPONSE, with the class
//   bytes and P1/P2 the gateway uses;
// - VERIFY and signing only with P2 = 80 (the key of the current EF): P2 = 80|sfi names a key
//   without a SELECT (soltia48/myna-card src/card.rs verify_sfi), so `00 20 00 93` in the
//   card-surface AP would present 照合番号A (EF 0013) = the Individual Number;
// - VERIFY only on an allowlisted key EF, signing only on the allowlisted private key, READ BINARY
//   only on an allowlisted data EF, never by short EF id;
// - a SELECT counts only once the card answered 90 00; a failed SELECT, a transport error or a
//   reset leaves the guard knowing less, never more.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { decodeCommand, type CommandApdu } from './apdu.js';
import { AID, CLA, INS, JPKI_FILE, P2_SELECTED_EF, SELECT_P1, SELECT_P2_NO_RESPONSE, SURFACE_FILE } from './constants.js';
import { SW } from './status-words.js';

type FileKind = 'data' | 'key' | 'signingKey';

/** The applications the gateway may open, the files it may select in each, and what each is.
 * Absent on purpose: the 券面事項入力補助AP (AID.cardInfoInputSupport) and, in the card-surface
 * AP, EF 0005 (a picture of the Individual Number), 0013 (照合番号A, which is the number), 0011
 * (the birth-date key) and the files the gateway has no use for. */
export const ALLOWED = {
  jpki: {
    aid: AID.jpki,
    files: JPKI_FILE,
    kinds: {
      [JPKI_FILE.tokenInfo]: 'data', [JPKI_FILE.userAuthCertificate]: 'data', [JPKI_FILE.userAuthCaCertificate]: 'data',
      [JPKI_FILE.userAuthPin]: 'key', [JPKI_FILE.userAuthPrivateKey]: 'signingKey',
    } as Readonly<Record<number, FileKind>>,
  },
  cardSurface: {
    aid: AID.cardSurface,
    files: SURFACE_FILE,
    kinds: { [SURFACE_FILE.cardFace]: 'data', [SURFACE_FILE.faceKey]: 'key' } as Readonly<Record<number, FileKind>>,
  },
} as const;

export type AllowedApp = keyof typeof ALLOWED;
export type AllowedFile<A extends AllowedApp> = keyof (typeof ALLOWED)[A]['files'];

export function selectApp(app: AllowedApp): CommandApdu {
  return { cla: CLA.iso, ins: INS.select, p1: SELECT_P1.byDfName, p2: SELECT_P2_NO_RESPONSE, data: Buffer.from(ALLOWED[app].aid) };
}

export function selectFile<A extends AllowedApp>(app: A, file: AllowedFile<A>): CommandApdu {
  const files = ALLOWED[app].files as Readonly<Record<string, number>>;
  const id = files[file as string];
  if (id === undefined) throw refused(`file ${String(file)} is not allowlisted in ${app}`);
  return { cla: CLA.iso, ins: INS.select, p1: SELECT_P1.byFileId, p2: SELECT_P2_NO_RESPONSE, data: Buffer.from([id >> 8, id & 0xff]) };
}

function refused(why: string): GatewayError {
  // A programming error, never a card problem: the flow reports it as INTERNAL_ERROR.
  return new GatewayError('INTERNAL_ERROR', `refused by the card allowlist: ${why}`);
}

const hex = (n: number): string => n.toString(16).padStart(2, '0').toUpperCase();

/** Tracks what the card confirmed is open and vets each outgoing APDU against ALLOWED. */
export class ApduGuard {
  #app: AllowedApp | null = null;
  #ef: number | null = null;
  /** What the SELECT in flight would open, applied only if the card answers 90 00. */
  #pending: { readonly app: AllowedApp; readonly ef: number | null } | null = null;

  get currentApp(): AllowedApp | null { return this.#app; }
  get currentFile(): number | null { return this.#ef; }

  /** Forget everything (card reset, power cycle, a new connection). */
  reset(): void {
    this.#app = null;
    this.#ef = null;
    this.#pending = null;
  }

  /** Throws unless `raw` is allowed. A SELECT is remembered as pending until observe(). */
  check(raw: Buffer): void {
    const cmd = decodeCommand(raw);
    // GET RESPONSE fetches the rest of the previous answer: a SELECT answered 61xx is still pending.
    if (!cmd || cmd.ins !== INS.getResponse) this.#pending = null;
    if (!cmd) throw refused('not a well-formed short APDU');
    switch (cmd.ins) {
      case INS.select: return this.#checkSelect(cmd);
      case INS.readBinary: return this.#checkReadBinary(cmd);
      case INS.verify: return this.#checkOnKey(cmd, CLA.iso, 'key', 'VERIFY');
      case INS.computeDigitalSignature: return this.#checkOnKey(cmd, CLA.proprietary, 'signingKey', 'COMPUTE DIGITAL SIGNATURE');
      case INS.getResponse:
        if (cmd.cla !== CLA.iso || cmd.p1 !== 0 || cmd.p2 !== 0 || cmd.data) throw refused('GET RESPONSE other than 00 C0 00 00 Le');
        return;
      default:
        throw refused(`instruction ${hex(cmd.cla)} ${hex(cmd.ins)} is not one the gateway uses`);
    }
  }

  /** The card's status word for the command check() last passed: only 90 00 makes a SELECT real. */
  observe(sw: number): void {
    const pending = this.#pending;
    if (!pending) return;
    if (sw >> 8 === 0x61) return; // more data: the GET RESPONSE's status word decides
    this.#pending = null;
    if (sw === SW.ok) {
      this.#app = pending.app;
      this.#ef = pending.ef;
    } else if (pending.ef === null) {
      this.reset(); // a failed application SELECT: we no longer know what is open
    } else {
      this.#ef = null; // a failed file SELECT: the application stays, no EF is current for us
    }
  }

  /** The exchange failed without an answer: the card may or may not have acted on it. */
  lost(): void {
    if (this.#pending) this.reset();
    this.#pending = null;
  }

  #checkSelect(cmd: CommandApdu): void {
    if (cmd.cla !== CLA.iso) throw refused('SELECT with a non-ISO class byte');
    if (cmd.p2 !== SELECT_P2_NO_RESPONSE) throw refused(`SELECT with P2=${hex(cmd.p2)}`);
    const data = cmd.data ?? Buffer.alloc(0);
    if (cmd.p1 === SELECT_P1.byDfName) {
      const app = (Object.keys(ALLOWED) as AllowedApp[]).find((a) => ALLOWED[a].aid.equals(data));
      if (!app) throw refused(`application ${data.toString('hex').toUpperCase()}`);
      this.#pending = { app, ef: null };
      return;
    }
    if (cmd.p1 === SELECT_P1.byFileId) {
      const app = this.#app;
      if (!app || data.length !== 2) throw refused('file select outside an application the card confirmed open');
      const id = data.readUInt16BE(0);
      if (ALLOWED[app].kinds[id] === undefined) throw refused(`file ${data.toString('hex').toUpperCase()} in ${app}`);
      this.#pending = { app, ef: id };
      return;
    }
    throw refused(`SELECT with P1=${hex(cmd.p1)}`);
  }

  #checkReadBinary(cmd: CommandApdu): void {
    if (cmd.cla !== CLA.iso) throw refused('READ BINARY with a non-ISO class byte');
    // P1 bit 8 set = short EF identifier: reads a file without selecting it.
    if ((cmd.p1 & 0x80) !== 0) throw refused('READ BINARY by short EF identifier');
    if (cmd.data) throw refused('READ BINARY with a data field');
    if (this.#kind() !== 'data') throw refused('READ BINARY with no allowlisted data file selected');
  }

  #checkOnKey(cmd: CommandApdu, cla: number, kind: FileKind, name: string): void {
    if (cmd.cla !== cla) throw refused(`${name} with class ${hex(cmd.cla)}`);
    if (cmd.p1 !== 0 || cmd.p2 !== P2_SELECTED_EF) throw refused(`${name} with P1 P2 = ${hex(cmd.p1)} ${hex(cmd.p2)} (only 00 80: the selected EF)`);
    if (this.#kind() !== kind) throw refused(`${name} with no allowlisted ${kind === 'key' ? 'key' : 'private key'} selected`);
  }

  #kind(): FileKind | undefined {
    return this.#app && this.#ef !== null ? ALLOWED[this.#app].kinds[this.#ef] : undefined;
  }
}
