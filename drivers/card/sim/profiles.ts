// Virtual card profiles: one per test person of the test PKI (scripts/gen-test-pki.sh). The PIN
// and 照合番号B are test values, documented in drivers/card/README.md.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFacePhoto } from './face-photo.js';
import type { VirtualCardSpec } from './virtual-card.js';

/** Every test person's user-authentication PIN. */
export const TEST_PIN = '1234';

interface Manifest { readonly people: ReadonlyArray<{ readonly id: string }> }

export function listProfileIds(pkiDir: string): string[] {
  const file = join(pkiDir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`no test PKI at ${pkiDir}: run bash scripts/gen-test-pki.sh ${pkiDir}`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return manifest.people.map((p) => p.id);
}

/** 照合番号B: birth date YYMMDD + expiry year YYYY + security code, all made up from the id. */
export function surfaceKeyFor(id: string): string {
  const h = createHash('sha256').update(`surface:${id}`).digest();
  const yy = String(h[0]! % 100).padStart(2, '0');
  const mm = String((h[1]! % 12) + 1).padStart(2, '0');
  const dd = String((h[2]! % 28) + 1).padStart(2, '0');
  const code = String(h.readUInt16BE(3) % 10000).padStart(4, '0');
  return `${yy}${mm}${dd}2035${code}`;
}

export function loadProfile(pkiDir: string, id: string, options: { protocol?: 't0' | 't1'; withPhoto?: boolean } = {}): VirtualCardSpec {
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`bad profile id ${JSON.stringify(id)}`);
  const people = join(pkiDir, 'jpki', 'people');
  const der = join(people, `${id}.der`);
  if (!existsSync(der)) throw new Error(`no test person ${id} in ${pkiDir} (known: ${listProfileIds(pkiDir).join(', ')})`);
  const caPem = join(pkiDir, 'jpki', 'ca.pem');
  const h = createHash('sha256').update(`number:${id}`).digest();
  return {
    id,
    certificate: readFileSync(der),
    caCertificate: existsSync(caPem) ? Buffer.from(new X509Certificate(readFileSync(caPem)).raw) : null,
    privateKey: createPrivateKey(readFileSync(join(people, `${id}.key`))),
    pin: TEST_PIN,
    surfaceKey: surfaceKeyFor(id),
    photo: options.withPhoto === false ? null : loadFacePhoto(pkiDir, id),
    individualNumber: String(h.readUIntBE(0, 6) % 1e12).padStart(12, '0'),
    protocol: options.protocol ?? 't1',
  };
}
