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
