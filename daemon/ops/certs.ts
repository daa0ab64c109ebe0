// Expiry of the line's certificates (the clinic's client certificate and the pinned service CA):
// the one thing on this box that fails on a known date, so it is announced well ahead.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineConfig } from '../../drivers/line/config.js';
import { DEFAULT_PKI_DIR } from '../../drivers/line/config.js';

export interface CertExpiry {
  readonly role: 'client' | 'ca';
  readonly file: string;
  /** ISO time, or null when the file could not be read or parsed. */
  readonly notAfter: string | null;
  readonly daysLeft: number | null;
  readonly subject: string | null;
  readonly error?: string;
}

/** The files the line uses: from config for 'https', the test PKI's for 'sim'. */
export function lineCertFiles(line: LineConfig): { client: string; ca: string } {
  if (line.driver === 'https') return { client: line.cert, ca: line.ca };
  const dir = line.sim.pkiDir || DEFAULT_PKI_DIR;
  return { client: join(dir, 'clinic', 'client.pem'), ca: join(dir, 'service', 'ca.pem') };
}

export function certExpiry(role: CertExpiry['role'], file: string, now = Date.now()): CertExpiry {
  if (!file) return { role, file, notAfter: null, daysLeft: null, subject: null, error: 'not configured' };
  try {
    const cert = new X509Certificate(readFileSync(file));
    const notAfter = new Date(cert.validTo);
    // Subjects of the clinic's certificates name the clinic, never a patient.
    return { role, file, notAfter: notAfter.toISOString(), daysLeft: Math.floor((notAfter.getTime() - now) / 86400000), subject: cert.subject.replace(/\n/g, ', ') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { role, file, notAfter: null, daysLeft: null, subject: null, error: code ?? (error instanceof Error ? error.message : String(error)) };
  }
}

export function lineCertExpiries(line: LineConfig, now = Date.now()): CertExpiry[] {
  const files = lineCertFiles(line);
  return [certExpiry('client', files.client, now), certExpiry('ca', files.ca, now)];
}
