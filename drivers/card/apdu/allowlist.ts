// The allowlist (invariant 1). Every SELECT the driver sends is built here from a named target,
// and every APDU leaving a CardChannel passes SelectGuard.check(), which refuses anything that
// could open the 券面事項入力補助AP or any file not listed below — whoever built the bytes.
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { decodeCommand, type CommandApdu } from './apdu.js';
import { AID, CLA, INS, JPKI_FILE, SELECT_P1, SELECT_P2_NO_RESPONSE, SURFACE_FILE } from './constants.js';

/** The applications the gateway may open, and the files it may select inside each. The
 * Individual Number's application (AID.cardInfoInputSupport) is deliberately absent. */
export const ALLOWED = {
  jpki: { aid: AID.jpki, files: JPKI_FILE },
  cardSurface: { aid: AID.cardSurface, files: SURFACE_FILE },
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

/** Tracks which application is open and vets each outgoing APDU against ALLOWED. */
export class SelectGuard {
  #app: AllowedApp | null = null;

  get currentApp(): AllowedApp | null { return this.#app; }

  /** Forget the open application (card reset or re-inserted). */
  reset(): void { this.#app = null; }

  /** Throws unless `raw` is allowed; updates the open application on an allowed SELECT. */
  check(raw: Buffer): void {
    const cmd = decodeCommand(raw);
    if (!cmd) throw refused('not a well-formed short APDU');
    if (cmd.ins === INS.readBinary && (cmd.p1 & 0x80) !== 0) {
      // READ BINARY with a short EF identifier reads a file without selecting it: never used.
      throw refused('READ BINARY by short EF identifier');
    }
    if (cmd.ins !== INS.select) return;
    if (cmd.cla !== CLA.iso) throw refused('SELECT with a non-ISO class byte');
    const data = cmd.data ?? Buffer.alloc(0);
    if (cmd.p1 === SELECT_P1.byDfName) {
      const app = (Object.keys(ALLOWED) as AllowedApp[]).find((a) => ALLOWED[a].aid.equals(data));
      if (!app) throw refused(`application ${data.toString('hex').toUpperCase()}`);
      this.#app = app;
      return;
    }
    if (cmd.p1 === SELECT_P1.byFileId) {
      const app = this.#app;
      if (!app || data.length !== 2) throw refused('file select outside an allowlisted application');
      const id = data.readUInt16BE(0);
      if (!Object.values(ALLOWED[app].files).includes(id as never)) {
        throw refused(`file ${data.toString('hex').toUpperCase()} in ${app}`);
      }
      return;
    }
    throw refused(`SELECT with P1=${cmd.p1.toString(16)}`);
  }
}
