// The card operations, written once over a CardChannel: the PC/SC driver, the vpcd-hosted and the
// in-process virtual card all run exactly this code. One short function per operation.
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { FaceKey } from '../../vocabulary/face-key.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';
import type { CardChannel } from './apdu/card-channel.js';
import type { AllowedApp, AllowedFile } from './apdu/allowlist.js';
import { CLA, INS, LIMITS, P2_SELECTED_EF, SHA256_DIGEST_INFO_PREFIX, TOKEN_NAME } from './apdu/constants.js';
import { readDerHeader } from './apdu/der.js';
import { expectOk, isPinLocked, statusError, SW, triesLeftOf } from './apdu/status-words.js';
import { cardFaceLength, parseCardFace } from './card-face.js';
import type { CardToken, FacePhotoResult, PinStatus, PinVerifyResult, TokenName } from './card-reader.js';

/** Largest offset a short READ BINARY can address (P1 bit 8 would mean a short EF id). */
const MAX_OFFSET = 0x7fff;

/** Reads a whole DER-encoded EF: 4 header bytes first to learn its size, then the rest. */
export async function readDerFile<A extends AllowedApp>(channel: CardChannel, app: A, file: AllowedFile<A>, signal?: AbortSignal): Promise<Buffer> {
  await channel.select(app, file, signal);
  const head = await readBinary(channel, 0, 4, signal);
  const header = readDerHeader(head);
  const total = header.headerLength + header.contentLength;
  if (header.tag !== 0x30 || total > Math.min(LIMITS.maxFileBytes, MAX_OFFSET + 1) || total < head.length) {
    throw new GatewayError('CARD_ERROR', `implausible file size on the card (${total} bytes)`);
  }
  return readRest(channel, head, total, signal);
}

async function readRest(channel: CardChannel, head: Buffer, total: number, signal?: AbortSignal): Promise<Buffer> {
  const parts = [head.subarray(0, Math.min(head.length, total))];
  let offset = parts[0]!.length;
  while (offset < total) {
    const chunk = await readBinary(channel, offset, Math.min(LIMITS.maxShortLe, total - offset), signal);
    parts.push(chunk);
    offset += chunk.length;
  }
  return Buffer.concat(parts);
}

/** One READ BINARY. 62 82 (end of file before Le bytes) still carries data: accepted. */
async function readBinary(channel: CardChannel, offset: number, le: number, signal?: AbortSignal): Promise<Buffer> {
  const r = await channel.send({ cla: CLA.iso, ins: INS.readBinary, p1: offset >> 8, p2: offset & 0xff, le }, signal);
  if (r.sw !== SW.endOfFile) expectOk(r.sw, 'READ BINARY');
  // A card that answers nothing would loop us forever; one that answers more is lying.
  if (r.data.length === 0 || r.data.length > le) throw new GatewayError('CARD_ERROR', `READ BINARY returned ${r.data.length} bytes for Le ${le}`);
  return r.data;
}

export function readUserAuthCertificate(channel: CardChannel, signal?: AbortSignal): Promise<Buffer> {
  return readDerFile(channel, 'jpki', 'userAuthCertificate', signal);
}

/** Which token answers as the JPKI AP: the first 32 bytes of EF 0006, space (or NUL) padded
 * (soltia48/myna-card src/ap/jpki.rs TokenType; jpki/myna libmyna/api.go CheckCard). */
export async function readTokenName(channel: CardChannel, signal?: AbortSignal): Promise<TokenName> {
  await channel.select('jpki', 'tokenInfo', signal);
  const data = await readBinary(channel, 0, LIMITS.tokenNameBytes, signal);
  return tokenNameOf(data);
}

/** Classifies the bytes of EF 0006; anything unexpected is 'unknown', never a throw. */
export function tokenNameOf(data: Buffer): TokenName {
  if (data.length < TOKEN_NAME.card.length) return 'unknown';
  const name = data.subarray(0, LIMITS.tokenNameBytes).toString('latin1').replace(/[\s\0]+$/, '');
  switch (name) {
    case TOKEN_NAME.card: return 'card';
    case TOKEN_NAME.android: return 'android';
    case TOKEN_NAME.iphone: return 'iphone';
    case TOKEN_NAME.juki: return 'juki';
    default: return 'unknown';
  }
}

/** The token a gateway accepts, or null (住基カード, unknown tokens). */
export function acceptedToken(name: TokenName): CardToken | null {
  return name === 'card' ? 'card' : name === 'android' || name === 'iphone' ? 'smartphone' : null;
}

/**
 * The PIN's state without using a try: VERIFY with no data answers 63 Cx (x left; 63 C0 locked).
 * A locked card may also answer 69 84; 90 00 means already verified in this power cycle.
 * 6A 88 (referenced data not found) is how OUR virtual 顔認証マイナンバーカード says "no PIN set":
 * what a real PIN-less card answers is not in any public reader (drivers/card/README.md).
 */
export async function pinStatus(channel: CardChannel, signal?: AbortSignal): Promise<PinStatus> {
  await channel.select('jpki', 'userAuthPin', signal);
  const r = await channel.send({ cla: CLA.iso, ins: INS.verify, p1: 0, p2: P2_SELECTED_EF }, signal);
  const left = triesLeftOf(r.sw);
  if (left !== null) return { state: 'set', triesLeft: left };
  if (isPinLocked(r.sw)) return { state: 'set', triesLeft: 0 };
  if (r.sw === SW.ok) return { state: 'set', triesLeft: LIMITS.userAuthPinTries };
  if (r.sw === SW.referencedDataNotFound) return { state: 'none' };
  throw statusError(r.sw, 'PIN status');
}

export async function pinTriesLeft(channel: CardChannel, signal?: AbortSignal): Promise<number> {
  const status = await pinStatus(channel, signal);
  if (status.state === 'none') throw new GatewayError('IDENTITY_UNAVAILABLE', 'this card has no PIN (顔認証マイナンバーカード)', { reason: 'NO_PIN' });
  return status.triesLeft;
}

/** Exactly one VERIFY; the digits are wiped as soon as the command has been encoded and sent. */
export async function verifyPin(channel: CardChannel, pin: PinDigits, signal?: AbortSignal): Promise<PinVerifyResult> {
  await channel.select('jpki', 'userAuthPin', signal);
  const digits = pin.consume();
  let sw: number;
  try {
    sw = (await channel.send({ cla: CLA.iso, ins: INS.verify, p1: 0, p2: P2_SELECTED_EF, data: digits }, signal, { sensitive: true })).sw;
  } finally {
    digits.fill(0);
  }
  if (sw === SW.ok) return { ok: true };
  const left = triesLeftOf(sw);
  if (left !== null) return { ok: false, triesLeft: left };
  if (isPinLocked(sw)) return { ok: false, triesLeft: 0 };
  throw statusError(sw, 'VERIFY');
}

/** COMPUTE DIGITAL SIGNATURE over DigestInfo(SHA-256); the card pads (PKCS#1 v1.5). */
export async function signDigest(channel: CardChannel, sha256: Buffer, signal?: AbortSignal): Promise<Buffer> {
  if (sha256.length !== 32) throw new RangeError('signDigest takes a 32-byte SHA-256 digest');
  await channel.select('jpki', 'userAuthPrivateKey', signal);
  const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, sha256]);
  const r = await channel.send({ cla: CLA.proprietary, ins: INS.computeDigitalSignature, p1: 0, p2: P2_SELECTED_EF, data: digestInfo, le: 256 }, signal);
  expectOk(r.sw, 'COMPUTE DIGITAL SIGNATURE');
  if (r.data.length < 128 || r.data.length > 512) throw new GatewayError('CARD_ERROR', `signature of ${r.data.length} bytes`);
  return r.data;
}

/**
 * The face photo from the card-surface AP: one VERIFY of 照合番号B (EF 0012), then the card face
 * (EF 0002, a BER template FF20: card-face.ts). A refused key is reported with the tries left and
 * never retried (each wrong key burns one of the card's tries).
 */
export async function readCardFacePhoto(channel: CardChannel, key: FaceKey, signal?: AbortSignal): Promise<FacePhotoResult> {
  try {
    await channel.select('cardSurface', 'faceKey', signal);
  } catch (error) {
    // A token without the card-surface AP (a phone): no photo, not an error.
    if (error instanceof GatewayError && error.details.sw === '6A82') return { ok: false, reason: 'NO_CARD_FACE' };
    throw error;
  }
  const digits = key.bytes();
  let sw: number;
  try {
    sw = (await channel.send({ cla: CLA.iso, ins: INS.verify, p1: 0, p2: P2_SELECTED_EF, data: digits }, signal, { sensitive: true })).sw;
  } finally {
    digits.fill(0);
  }
  if (sw !== SW.ok) {
    const left = triesLeftOf(sw);
    if (left !== null && left > 0) return { ok: false, reason: 'KEY_REFUSED', triesLeft: left };
    if (left === 0 || isPinLocked(sw)) return { ok: false, reason: 'KEY_LOCKED', triesLeft: 0 };
    throw statusError(sw, 'VERIFY 照合番号B');
  }
  await channel.select('cardSurface', 'cardFace', signal);
  // The file is several KiB (the photo), so the first READ asks for a full 256 bytes, as
  // soltia48/myna-card src/card.rs read_binary_all does, and the BER header sizes the rest.
  const head = await readBinary(channel, 0, LIMITS.maxShortLe, signal);
  const total = cardFaceLength(head);
  if (total === null) {
    // Let the parser name what is wrong with the first bytes.
    parseCardFace(head);
    throw new GatewayError('CARD_ERROR', 'card face file: unreadable header', { reason: 'TRUNCATED' });
  }
  if (total > Math.min(LIMITS.maxFileBytes, MAX_OFFSET + 1)) {
    throw new GatewayError('CARD_ERROR', `card face file of ${total} bytes is implausible`, { reason: 'LENGTH_PAST_END' });
  }
  const file = await readRest(channel, head, total, signal);
  const { photo, format } = parseCardFace(file);
  return { ok: true, photo, format, bytesRead: file.length };
}
