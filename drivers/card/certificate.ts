// A summary of the user-authentication certificate for logs, the CLI and the flow. The JPKI
// user-authentication certificate names no person (its subject is a random id), so this carries
// no patient data; the DER itself stays with the caller.
import { X509Certificate, createHash } from 'node:crypto';
import { GatewayError } from '../../vocabulary/result-codes.js';

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as openssl prints it. */
  readonly serial: string;
  readonly notBefore: string; // ISO 8601
  readonly notAfter: string;
  readonly sha256: string;
  readonly keyType: string;
  readonly keyBits: number | null;
}

export function parseCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new GatewayError('CARD_ERROR', 'the certificate on the card does not parse');
  }
}

export function summariseCertificate(der: Buffer): CertificateSummary {
  const cert = parseCertificate(der);
  const key = cert.publicKey;
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber.toUpperCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    sha256: createHash('sha256').update(der).digest('hex'),
    keyType: key.asymmetricKeyType ?? 'unknown',
    keyBits: key.asymmetricKeyDetails?.modulusLength ?? null,
  };
}

/**
 * Where the user-authentication certificate stands (issue 12): 'expiring' within 3 months of its
 * end (the panel should warn), 'grace' up to 3 months after it (the insurance check only: no
 * drug, check-up or medical information), 'expired' after that. Months are calendar months (UTC).
 */
export type CertificateStanding = 'not-yet-valid' | 'valid' | 'expiring' | 'grace' | 'expired';
export const CERTIFICATE_GRACE_MONTHS = 3;

function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export function certificateStanding(notBefore: Date, notAfter: Date, now: Date): CertificateStanding {
  if (now < notBefore) return 'not-yet-valid';
  if (now <= notAfter) return now >= addMonths(notAfter, -CERTIFICATE_GRACE_MONTHS) ? 'expiring' : 'valid';
  return now < addMonths(notAfter, CERTIFICATE_GRACE_MONTHS) ? 'grace' : 'expired';
}

/** The standing of a DER certificate, or null when it does not parse (the service decides then). */
export function standingOf(der: Buffer, now: Date): CertificateStanding | null {
  try {
    const cert = new X509Certificate(der);
    return certificateStanding(new Date(cert.validFrom), new Date(cert.validTo), now);
  } catch {
    return null;
  }
}
