// Reads an X.509 CRL (RFC 5280 §5) just far enough to list the revoked serial numbers, and checks
// its signature with the issuing CA's key. Node's crypto has no CRL parser; a full ASN.1 library
// would be a large dependency for one list of integers.
import { createPublicKey, verify, type KeyObject, type X509Certificate } from 'node:crypto';

interface Tlv { tag: number; start: number; end: number; headerLength: number }

function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new RangeError('CRL: truncated');
  let header = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new RangeError('CRL: unsupported length');
    length = 0;
    for (let i = 0; i < bytes; i += 1) length = length * 256 + (der[offset + 2 + i] ?? 0);
    header += bytes;
  }
  const end = offset + header + length;
  if (end > der.length) throw new RangeError('CRL: truncated');
  return { tag, start: offset, end, headerLength: header };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start + parent.headerLength; at < parent.end;) {
    const child = readTlv(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const SIG_ALGS: Record<string, string> = {
  '2a864886f70d01010b': 'sha256', '2a864886f70d01010c': 'sha384', '2a864886f70d01010d': 'sha512',
};

export interface RevocationList {
  /** Upper-case hex serials, as `X509Certificate.serialNumber` prints them. */
  readonly revoked: ReadonlySet<string>;
}

function pemToDer(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) X509 CRL-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

/** Parses the CRL and verifies that `ca` signed it; throws when it cannot be trusted. */
export function readCrl(pemOrDer: Buffer | string, ca: X509Certificate): RevocationList {
  const der = typeof pemOrDer === 'string' || pemOrDer.subarray(0, 10).toString('latin1').startsWith('-----')
    ? pemToDer(pemOrDer.toString()) : pemOrDer;
  const root = readTlv(der, 0);
  const [tbs, algorithm, signature] = children(der, root);
  if (!tbs || !algorithm || !signature || tbs.tag !== SEQUENCE) throw new RangeError('CRL: not a CertificateList');
  const oid = children(der, algorithm)[0];
  const hash = oid ? SIG_ALGS[der.subarray(oid.start + oid.headerLength, oid.end).toString('hex')] : undefined;
  if (!hash) throw new RangeError('CRL: unsupported signature algorithm');
  const sigBits = der.subarray(signature.start + signature.headerLength + 1, signature.end); // skip unused-bits byte
  const key: KeyObject = createPublicKey(ca.publicKey.export({ type: 'spki', format: 'pem' }));
  if (!verify(hash, der.subarray(tbs.start, tbs.end), key, sigBits)) throw new RangeError('CRL: signature does not verify with the CA');
  const revoked = new Set<string>();
  // tbsCertList: [version] signature issuer thisUpdate [nextUpdate] [revokedCertificates] [crlExtensions]
  for (const field of children(der, tbs)) {
    if (field.tag !== SEQUENCE) continue;
    const entries = children(der, field);
    // The revoked list is the SEQUENCE whose items are SEQUENCEs starting with an INTEGER.
    const first = entries[0];
    if (!first || first.tag !== SEQUENCE) continue;
    const firstSerial = children(der, first)[0];
    if (!firstSerial || firstSerial.tag !== INTEGER) continue;
    for (const entry of entries) {
      const serial = children(der, entry)[0];
      if (!serial || serial.tag !== INTEGER) continue;
      let bytes = der.subarray(serial.start + serial.headerLength, serial.end);
      while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
      revoked.add(bytes.toString('hex').toUpperCase());
    }
  }
  return { revoked };
}
