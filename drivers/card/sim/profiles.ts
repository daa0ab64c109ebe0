// Virtual card profiles: one per test person of the test PKI (scripts/gen-test-pki.sh). The PIN,
// the card front (birth date, expiry, security code) and so 照合番号B are test values made up from
// the id, documented in drivers/card/README.md. Two people hold something else than an ordinary card:
// kimura-sumaho a smartphone (Android, スマホ用電子証明書), nakamura-kao a 顔認証マイナンバーカード
// (no PIN set).
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaceKey, type CalendarDate } from '../../../vocabulary/face-key.js';
import type { VirtualTokenName } from './card-files.js';
import { loadFacePhoto } from './face-photo.js';
import type { VirtualCardSpec } from './virtual-card.js';

/** Every test person's user-authentication PIN (except the PIN-less card). */
export const TEST_PIN = '1234';

/** Who holds what (everyone else: an ordinary card with a PIN). */
export const PROFILE_TRAITS: Readonly<Record<string, { readonly token?: VirtualTokenName; readonly pinless?: boolean }>> = {
  'kimura-sumaho': { token: 'android' },
  'nakamura-kao': { pinless: true },
};

/** The ATR a contactless reader synthesises for an ISO 14443-4 token (PC/SC Part 3 form
 * 3B 8n 80 01 <historical bytes> TCK): a phone never shows the card's contact ATR. */
export const CONTACTLESS_ATR = (() => {
  const body = Buffer.from('8880010000000000000000', 'hex'); // T0=88 (8 historical bytes), TD1=80, TD2=01
  let tck = 0;
  for (const b of body) tck ^= b;
  return Buffer.concat([Buffer.from([0x3b]), body, Buffer.from([tck])]);
})();

interface Manifest { readonly people: ReadonlyArray<{ readonly id: string }> }

export function listProfileIds(pkiDir: string): string[] {
  const file = join(pkiDir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`no test PKI at ${pkiDir}: run bash scripts/gen-test-pki.sh ${pkiDir}`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return manifest.people.map((p) => p.id);
}

export interface CardFront {
  readonly birth: CalendarDate;
  /** The card expires on a birthday (10th after issue for adults). */
  readonly expiry: CalendarDate;
  readonly securityCode: string;
  /** 照合番号B built from the three (vocabulary/face-key.ts). */
  readonly faceKey: FaceKey;
}

const ymd = (d: CalendarDate): string => `${d.year}${String(d.month).padStart(2, '0')}${String(d.day).padStart(2, '0')}`;

/** What is printed on the person's card front, made up from the id (the same every run). */
export function cardFrontFor(id: string): CardFront {
  const h = createHash('sha256').update(`front:${id}`).digest();
  const birth = { year: 1930 + (h[0]! % 80), month: (h[1]! % 12) + 1, day: (h[2]! % 28) + 1 };
  const expiry = { year: 2030 + (h[3]! % 6), month: birth.month, day: birth.day };
  const securityCode = String(h.readUInt16BE(4) % 10000).padStart(4, '0');
  const built = FaceKey.build({ birth, expiryYear: expiry.year, securityCode });
  if (!built.ok) throw new Error(`test card front for ${id}: ${built.message}`);
  return { birth, expiry, securityCode, faceKey: built.key };
}

/** 照合番号B of the person's card (14 digits). */
export function surfaceKeyFor(id: string): string {
  return cardFrontFor(id).faceKey.bytes().toString('ascii');
}

export function loadProfile(pkiDir: string, id: string, options: { protocol?: 't0' | 't1'; withPhoto?: boolean } = {}): VirtualCardSpec {
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`bad profile id ${JSON.stringify(id)}`);
  const people = join(pkiDir, 'jpki', 'people');
  const der = join(people, `${id}.der`);
  if (!existsSync(der)) throw new Error(`no test person ${id} in ${pkiDir} (known: ${listProfileIds(pkiDir).join(', ')})`);
  const caPem = join(pkiDir, 'jpki', 'ca.pem');
  const h = createHash('sha256').update(`number:${id}`).digest();
  const traits = PROFILE_TRAITS[id] ?? {};
  const token = traits.token ?? 'card';
  const front = cardFrontFor(id);
  const certificate = readFileSync(der);
  const jwk = new X509Certificate(certificate).publicKey.export({ format: 'jwk' });
  return {
    id,
    certificate,
    caCertificate: existsSync(caPem) ? Buffer.from(new X509Certificate(readFileSync(caPem)).raw) : null,
    privateKey: createPrivateKey(readFileSync(join(people, `${id}.key`))),
    pin: traits.pinless ? null : TEST_PIN,
    token,
    faceKey: front.faceKey.bytes().toString('ascii'),
    birthDate: ymd(front.birth),
    expiry: ymd(front.expiry),
    modulus: Buffer.from(jwk.n ?? '', 'base64url'),
    photo: options.withPhoto === false ? null : loadFacePhoto(pkiDir, id),
    individualNumber: String(h.readUIntBE(0, 6) % 1e12).padStart(12, '0'),
    protocol: options.protocol ?? 't1',
    ...(token === 'android' || token === 'iphone' ? { atr: CONTACTLESS_ATR } : {}),
  };
}
