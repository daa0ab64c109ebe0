// The one place that turns a status word into an outcome. Names follow ISO 7816-4.
import { GatewayError, type ResultCode } from '../../../vocabulary/result-codes.js';

export const SW = {
  ok: 0x9000,
  endOfFile: 0x6282,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  authMethodBlocked: 0x6983,
  referenceDataNotUsable: 0x6984,
  conditionsNotSatisfied: 0x6985,
  commandNotAllowed: 0x6986,
  wrongData: 0x6a80,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  incorrectP1P2: 0x6a86,
  referencedDataNotFound: 0x6a88,
  wrongP1P2: 0x6b00,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
  noPreciseDiagnosis: 0x6f00,
} as const;

/** SW1 values with a meaning of their own. */
export const SW1 = { moreData: 0x61, wrongLe: 0x6c, verifyFailed: 0x63 } as const;

const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(SW).map(([k, v]) => [v, k]));

export function swName(sw: number): string {
  const known = NAMES.get(sw);
  if (known) return known;
  const hi = sw >> 8;
  if (hi === SW1.verifyFailed && (sw & 0xf0) === 0xc0) return `verifyFailed(${sw & 0x0f} left)`;
  if (hi === SW1.moreData) return 'moreData';
  if (hi === SW1.wrongLe) return 'wrongLe';
  return 'unknown';
}

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');

/** Locked PIN: a real card answers 63 C0 to the tries query and 69 84 to every VERIFY once locked
 * (soltia48/myna-card src/card.rs interpret_retries maps both to Blocked); 69 83 is ISO's
 * "authentication method blocked", accepted too. */
export const isPinLocked = (sw: number): boolean => sw === SW.authMethodBlocked || sw === SW.referenceDataNotUsable;

/** 63 Cx: x tries left; null for any other status word. */
export function triesLeftOf(sw: number): number | null {
  return sw >> 8 === SW1.verifyFailed && (sw & 0xf0) === 0xc0 ? sw & 0x0f : null;
}

/** The error for an unexpected status word while doing `operation`. */
export function statusError(sw: number, operation: string): GatewayError {
  const code: ResultCode = isPinLocked(sw) ? 'PIN_LOCKED' : 'CARD_ERROR';
  return new GatewayError(code, `${operation}: card answered ${swHex(sw)} (${swName(sw)})`, {
    sw: swHex(sw),
    swName: swName(sw),
    operation,
  });
}

/** Throws unless the status word is 90 00. */
export function expectOk(sw: number, operation: string): void {
  if (sw !== SW.ok) throw statusError(sw, operation);
}
