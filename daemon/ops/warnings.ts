// Early warnings: things that will stop check-ins later if nobody acts now. The same list goes to
// /status, the logs (when it changes) and the retained status topic. No patient data: the texts
// name files, dates and figures of the box only.
import type { OpsConfig } from './config.js';
import type { CertExpiry } from './certs.js';
import type { DiskFigures, ClockSync } from './host.js';
import type { StatusWarning } from '../mqtt/payloads.js';

export type WarningCode = 'CERT_EXPIRED' | 'CERT_EXPIRING' | 'CERT_UNREADABLE' | 'DISK_LOW' | 'CLOCK_UNSYNCED' | 'CLOCK_SKEW';

export interface OpsWarning {
  readonly code: WarningCode;
  readonly message: string;
  /** What the technician does about it. */
  readonly action: string;
}

export interface WarningInputs {
  readonly certs: readonly CertExpiry[];
  readonly disk: DiskFigures | null;
  readonly clock: ClockSync;
  /** Seconds our clock is ahead (+) or behind (-) a trusted clock, when measured. */
  readonly skewSeconds?: number | null;
}

const MiB = 1024 * 1024;
const roleName = (c: CertExpiry) => (c.role === 'client' ? 'line client certificate' : 'line CA certificate');

export function certWarnings(certs: readonly CertExpiry[], warnDays: number): OpsWarning[] {
  const out: OpsWarning[] = [];
  for (const cert of certs) {
    if (cert.error === 'not configured') continue; // the config loader already insists on these for 'https'
    if (cert.daysLeft === null || cert.notAfter === null) {
      out.push({ code: 'CERT_UNREADABLE', message: `${roleName(cert)} ${cert.file} cannot be read (${cert.error ?? 'unknown error'})`, action: 'check the path in line.cert / line.ca and that the oqs-gateway user may read it' });
    } else if (cert.daysLeft < 0) {
      out.push({ code: 'CERT_EXPIRED', message: `${roleName(cert)} ${cert.file} expired on ${cert.notAfter.slice(0, 10)}`, action: 'install the renewed certificate (docs/operations.md, "Certificate renewal") and restart the service' });
    } else if (cert.daysLeft < warnDays) {
      out.push({ code: 'CERT_EXPIRING', message: `${roleName(cert)} ${cert.file} expires on ${cert.notAfter.slice(0, 10)} (in ${cert.daysLeft} days)`, action: 'order the renewed certificate now and install it before that date (docs/operations.md, "Certificate renewal")' });
    }
  }
  return out;
}

export function diskWarning(disk: DiskFigures | null, ops: Pick<OpsConfig, 'diskWarnPercent' | 'diskWarnMiB'>): OpsWarning | null {
  if (!disk) return null;
  if (disk.freePercent >= ops.diskWarnPercent && disk.freeBytes >= ops.diskWarnMiB * MiB) return null;
  return {
    code: 'DISK_LOW',
    message: `disk holding ${disk.path} has ${Math.floor(disk.freeBytes / MiB)} MiB (${disk.freePercent}%) free`,
    action: 'free space (old logs: journalctl --vacuum-size=200M) or replace the storage; check-ins stop when the store cannot write',
  };
}

export function clockWarnings(clock: ClockSync, skewSeconds: number | null | undefined, skewWarnSeconds: number): OpsWarning[] {
  const out: OpsWarning[] = [];
  if (clock === 'unsynchronized') {
    out.push({ code: 'CLOCK_UNSYNCED', message: 'the system clock is not synchronized (NTP)', action: 'check the network and the time service: timedatectl timesync-status, or chronyc tracking' });
  }
  if (typeof skewSeconds === 'number' && Math.abs(skewSeconds) > skewWarnSeconds) {
    out.push({ code: 'CLOCK_SKEW', message: `the clock is ${Math.round(Math.abs(skewSeconds))} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the eligibility service`, action: 'enable NTP (timedatectl set-ntp true) and check the time server is reachable' });
  }
  return out;
}

export function computeWarnings(inputs: WarningInputs, ops: OpsConfig): OpsWarning[] {
  const disk = diskWarning(inputs.disk, ops);
  return [...certWarnings(inputs.certs, ops.certWarnDays), ...(disk ? [disk] : []), ...clockWarnings(inputs.clock, inputs.skewSeconds, ops.clockSkewWarnSeconds)];
}

/** Same codes and messages in the same order: used to log and republish only on change. */
export function sameWarnings(a: readonly StatusWarning[], b: readonly StatusWarning[]): boolean {
  return a.length === b.length && a.every((w, i) => w.code === b[i]!.code && w.message === b[i]!.message);
}
