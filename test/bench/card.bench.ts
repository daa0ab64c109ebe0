// Card benchmark: APDUs and milliseconds to read the user-authentication certificate, as the
// check-in does it (SELECT AP, SELECT EF, 4-byte header, chunks), 100 times through a private
// pcscd + vpcd with the virtual card, and for comparison in process (no PC/SC at all).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChannelCardSession } from '../../drivers/card/card-session.js';
import { summarise, type BenchReport } from './report.js';
import { directSession, virtualCard } from '../helpers/card-fixtures.js';
import { pcscUnavailable } from '../helpers/pcsc-daemon.js';
import { PcscCardRig } from '../helpers/pcsc-card-rig.js';

const READS = 100;

async function measure(session: ChannelCardSession, label: string): Promise<{ ms: number[]; apdus: number; bytes: number }> {
  const ms: number[] = [];
  let apdus = 0;
  let bytes = 0;
  for (let i = 0; i < READS; i++) {
    session.channel.resetSelection(); // as after insertion: the AP is selected again each time
    const before = session.apduCount;
    const start = performance.now();
    const der = await session.readUserAuthCertificate();
    ms.push(performance.now() - start);
    apdus = session.apduCount - before;
    bytes = der.length;
    if (i % 25 === 0) process.stderr.write(`card bench ${label}: ${i}/${READS}\n`);
  }
  return { ms, apdus, bytes };
}

function report(name: string, method: string, r: { ms: number[]; apdus: number; bytes: number }): BenchReport {
  const { median, p95 } = summarise(r.ms);
  return {
    name,
    method,
    figures: [
      { name: 'APDUs per certificate read', value: r.apdus, unit: 'APDUs' },
      { name: 'certificate size', value: r.bytes, unit: 'bytes' },
      { name: 'read time, median', value: Number(median.toFixed(2)), unit: 'ms' },
      { name: 'read time, p95', value: Number(p95.toFixed(2)), unit: 'ms' },
      { name: 'per APDU, median', value: Number((median / r.apdus).toFixed(2)), unit: 'ms' },
    ],
  };
}

export default async function cardBench(): Promise<BenchReport[]> {
  const reports: BenchReport[] = [];
  const inProcess = directSession(virtualCard('yamada-taro'), { timeoutMs: 5000 });
  reports.push(report('card: certificate read, in process', `${READS} reads of the user-authentication certificate from the virtual card through the JPKI code, no PC/SC (driver + card engine cost only)`, await measure(inProcess.session, 'in-process')));

  const why = pcscUnavailable();
  const pcscName = 'card: certificate read through pcscd + vpcd';
  if (why) {
    reports.push({ name: pcscName, method: 'needs pcscd + vsmartcard-vpcd', figures: [], skipped: why });
    return reports;
  }
  const rig = new PcscCardRig();
  try {
    await rig.start(5000);
    const session = (await rig.insert(virtualCard('yamada-taro'))) as ChannelCardSession;
    const r = await measure(session, 'pcscd');
    // Sanity: the last read really is the certificate.
    process.stderr.write(`card bench: sha256 ${createHash('sha256').update(await session.readUserAuthCertificate()).digest('hex').slice(0, 16)}\n`);
    reports.push(report(pcscName, `${READS} reads through @pokusew/pcsclite -> a private pcscd -> vpcd -> the virtual card over loopback TCP. Compare with the in-process figure: nearly all of the time is the PC/SC + vpcd path, ~50 ms per APDU on loopback (likely vpcd's two-write framing meeting Nagle and delayed ACK); real readers have their own, different per-APDU cost`, r));
  } finally {
    await rig.stop();
  }
  return reports;
}
