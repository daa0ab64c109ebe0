// The card operations, written once over a CardChannel: the PC/SC driver, the vpcd-hosted and the
// in-process virtual card all run exactly this code. One short function per operation.
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { CardChannel } from './apdu/card-channel.js';
import type { AllowedApp, AllowedFile } from './apdu/allowlist.js';
import { CLA, INS, LIMITS, P2_SELECTED_EF, SHA256_DIGEST_INFO_PREFIX, SURFACE_PHOTO_INDEX } from './apdu/constants.js';
import { readDerHeader, sequenceElements } from './apdu/der.js';
import { expectOk, isPinLocked, statusError, SW, triesLeftOf } from './apdu/status-words.js';
import type { PinVerifyResult } from './card-reader.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';

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
  const parts = [head];
  let offset = head.length;
  while (offset < total) {
    const chunk = await readBinary(channel, offset, Math.min(LIMITS.maxShortLe, total - offset), signal);
    parts.push(chunk);
    offset += chunk.length;
  }
  return Buffer.concat(parts);
}

async function readBinary(channel: CardChannel, offset: number, le: number, signal?: AbortSignal): Promise<Buffer> {
  const r = await channel.send({ cla: CLA.iso, ins: INS.readBinary, p1: offset >> 8, p2: offset & 0xff, le }, signal);
  expectOk(r.sw, 'READ BINARY');
  // A card that answers nothing would loop us forever; one that answers more is lying.
  if (r.data.length === 0 || r.data.length > le) throw new GatewayError('CARD_ERROR', `READ BINARY returned ${r.data.length} bytes for Le ${le}`);
  return r.data;
}

export function readUserAuthCertificate(channel: CardChannel, signal?: AbortSignal): Promise<Buffer> {
  return readDerFile(channel, 'jpki', 'userAuthCertificate', signal);
}

/** VERIFY with no data: the card answers 63 Cx with the tries left, without using one. */
export async function pinTriesLeft(channel: CardChannel, signal?: AbortSignal): Promise<number> {
  await channel.select('jpki', 'userAuthPin', signal);
  const r = await channel.send({ cla: CLA.iso, ins: INS.verify, p1: 0, p2: P2_SELECTED_EF }, signal);
  const left = triesLeftOf(r.sw);
  if (left !== null) return left;
  if (isPinLocked(r.sw)) return 0;
  if (r.sw === SW.ok) return LIMITS.userAuthPinTries; // already verified in this session
  throw statusError(r.sw, 'PIN status');
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

const JP2_SIGNATURE = Buffer.from('0000000c6a5020200d0a870a', 'hex');
const J2K_CODESTREAM = Buffer.from('ff4fff51', 'hex');

/** The face photo from the card-surface AP, opened with 照合番号B. Null when there is no key,
 * the card has no such AP, or the key is refused: the flow then falls back to the PIN. A refused
 * key is not retried (it counts down a retry counter on a real card). */
export async function readFacePhoto(channel: CardChannel, surfaceKey: Buffer | null, signal?: AbortSignal): Promise<Buffer | null> {
  if (!surfaceKey) return null;
  try {
    await channel.select('cardSurface', 'pinB', signal);
  } catch (error) {
    if (error instanceof GatewayError && error.details.sw === '6A82') return null;
    throw error;
  }
  const v = await channel.send({ cla: CLA.iso, ins: INS.verify, p1: 0, p2: P2_SELECTED_EF, data: surfaceKey }, signal, { sensitive: true });
  if (v.sw !== SW.ok) return null;
  const front = await readDerFile(channel, 'cardSurface', 'frontSide', signal);
  const photo = sequenceElements(front)[SURFACE_PHOTO_INDEX];
  if (!photo || !(photo.subarray(0, 12).equals(JP2_SIGNATURE) || photo.subarray(0, 4).equals(J2K_CODESTREAM))) {
    throw new GatewayError('CARD_ERROR', 'the card surface holds no JPEG 2000 photo');
  }
  return Buffer.from(photo);
}
