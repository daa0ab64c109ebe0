// Card benchmark: APDUs and milliseconds to read the user-authentication certificate, as the
// check-in does it (SELECT AP, SELECT EF, 4-byte header, chunks), 100 times through a private
// pcscd + vpcd with the virtual card, and for comparison in process (no PC/SC at all).
import { performance } from 'node:perf_hooks';
import type { ChannelCardSession } from '../../drivers/card/card-session.js';
import { summarise, type BenchReport } from './report.js';
import type { FaceKey } from '../../vocabulary/face-key.js';
import { directSession, faceKeyOf, virtualCard } from '../helpers/card-fixtures.js';
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

const PHOTO_READS = 20;

/** The face photo as the face step reads it: SELECT the surface AP, SELECT EF 0012, VERIFY 照合番号B,
 * SELECT EF 0002, READ the FF20 template in 256-byte chunks (exclusive section + unpower on PC/SC). */
async function measurePhoto(session: ChannelCardSession, key: FaceKey, label: string): Promise<{ ms: number[]; apdus: number; bytes: number; photo: number }> {
  const ms: number[] = [];
  let apdus = 0;
  let bytes = 0;
  let photo = 0;
  for (let i = 0; i < PHOTO_READS; i++) {
    session.channel.resetSelection();
    const before = session.apduCount;
    const start = performance.now();
    const r = await session.readFacePhotoWith(key);
    ms.push(performance.now() - start);
    if (!r.ok) throw new Error(`photo read failed: ${r.reason}`);
    apdus = session.apduCount - before;
    bytes = r.bytesRead;
    photo = r.photo.length;
    if (i % 10 === 0) process.stderr.write(`card bench photo ${label}: ${i}/${PHOTO_READS}\n`);
  }
  return { ms, apdus, bytes, photo };
}

function photoReport(name: string, method: string, r: { ms: number[]; apdus: number; bytes: number; photo: number }): BenchReport {
  const { median, p95 } = summarise(r.ms);
  return {
    name,
    method,
    figures: [
      { name: 'APDUs per photo read', value: r.apdus, unit: 'APDUs' },
      { name: 'card face file read (FF20)', value: r.bytes, unit: 'bytes' },
      { name: 'photo (JPEG 2000)', value: r.photo, unit: 'bytes' },
      { name: 'read time, median', value: Number(median.toFixed(2)), unit: 'ms' },
      { name: 'read time, p95', value: Number(p95.toFixed(2)), unit: 'ms' },
      { name: 'per APDU, median', value: Number((median / r.apdus).toFixed(2)), unit: 'ms' },
    ],
  };
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
  const photoCard = virtualCard('ito-sakura');
  const photoKey = faceKeyOf(photoCard.surfaceKey);
  reports.push(photoReport('card: face photo read, in process', `${PHOTO_READS} reads of the photo (VERIFY 照合番号B + the FF20 card face file) from the virtual card, no PC/SC`, await measurePhoto(directSession(photoCard, { timeoutMs: 5000 }).session, photoKey, 'in-process')));

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
    await rig.remove();
    // Sanity: the last read really is the certificate.
    const photoSession = (await rig.insert(virtualCard('ito-sakura'))) as ChannelCardSession;
    reports.push(photoReport('card: face photo read through pcscd + vpcd', `${PHOTO_READS} photo reads (VERIFY 照合番号B + the FF20 card face file, each in its own exclusive PC/SC section, unpowered after) through @pokusew/pcsclite -> a private pcscd -> vpcd -> the virtual card over loopback TCP`, await measurePhoto(photoSession, photoKey, 'pcscd')));
    await rig.remove();
    reports.push(report(pcscName, `${READS} reads through @pokusew/pcsclite -> a private pcscd -> vpcd -> the virtual card over loopback TCP. Compare with the in-process figure: nearly all of the time is the PC/SC + vpcd path, ~50 ms per APDU on loopback (likely vpcd's two-write framing meeting Nagle and delayed ACK); real readers have their own, different per-APDU cost`, r));
  } finally {
    await rig.stop();
  }
  return reports;
}
