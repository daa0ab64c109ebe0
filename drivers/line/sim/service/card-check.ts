// What the service checks before it answers a card inquiry: that the user-authentication
// certificate chains to the (test) JPKI CA, is inside its validity period and not on the CRL, and,
// on the PIN path, that the card signed a challenge this service issued (J-LIS does the first
// three for the real service).
import { X509Certificate, verify } from 'node:crypto';
import type { RevocationList } from './crl.js';
import type { ServiceErrorCode } from '../../wire.js';

export interface JpkiTrust {
  readonly ca: X509Certificate;
  readonly crl: RevocationList;
  /** Certificate serial (upper-case hex) -> register id, from the test PKI manifest. */
  readonly holders: ReadonlyMap<string, string>;
}

export type CardVerdict =
  | { readonly ok: true; readonly certificate: X509Certificate; readonly holder: string | undefined }
  | { readonly ok: false; readonly error: ServiceErrorCode };

/** A certificate that ended less than this many calendar months ago still serves the insurance
 * check alone (no drug, check-up or medical information): the grace period of issue 12. */
export const GRACE_MONTHS = 3;

function inGrace(validTo: Date, now: Date): boolean {
  const end = new Date(validTo.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + GRACE_MONTHS);
  end.setUTCDate(Math.min(day, new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate()));
  return now > validTo && now < end;
}

export function checkCertificate(der: Buffer, trust: JpkiTrust, now: Date, insuranceOnly = false): CardVerdict {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    return { ok: false, error: 'CERT_UNTRUSTED' };
  }
  if (!certificate.checkIssued(trust.ca) || !certificate.verify(trust.ca.publicKey)) return { ok: false, error: 'CERT_UNTRUSTED' };
  const validTo = new Date(certificate.validTo);
  const grace = insuranceOnly && inGrace(validTo, now);
  if (now < new Date(certificate.validFrom) || (now > validTo && !grace)) return { ok: false, error: 'CERT_EXPIRED' };
  const serial = certificate.serialNumber.toUpperCase();
  if (trust.crl.revoked.has(serial)) return { ok: false, error: 'CERT_REVOKED' };
  return { ok: true, certificate, holder: trust.holders.get(serial) };
}

/** PKCS#1 v1.5 / SHA-256 over the UTF-8 bytes of the challenge, with the certificate's key. */
export function checkProof(certificate: X509Certificate, challenge: string, signature: Buffer): boolean {
  try {
    return verify('sha256', Buffer.from(challenge, 'utf8'), certificate.publicKey, signature);
  } catch {
    return false;
  }
}
