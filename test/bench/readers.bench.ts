// Several readers on one gateway (issue 18), `npm run bench readers`:
// 1. check-in latency per reader with 1, 2 and 4 busy readers on one gateway of four readers, each
//    a PC/SC reader of a private pcscd + vpcd (virtual card) with its panel on a socat pty pair;
// 2. 20 simulated readers (sim card, panel and face drivers: no pcscd can hold 20 vpcd slots on
//    this box's pcsc-lite) busy for a fixed time: check-in latency and broker messages/s;
// 3. the RSS of one gateway process (compiled, as systemd runs it) with four readers and the face
//    model loaded, after check-ins on every reader went through the model.
// "Busy" = a card put back as soon as the reader is idle after the last check-in. Latency = card
// placed -> the check-in arrives at an MQTT subscriber. The load average is printed with each.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { validateConfig } from '../../config/load.js';
import { Gateway } from '../../daemon/gateway.js';
import { FEATURES } from '../../daemon/features.js';
import { silentLogger } from '../../vocabulary/log.js';
import { fromRoot } from '../../vocabulary/paths.js';
import { virtualCard } from '../helpers/card-fixtures.js';
import { sampleFile } from '../helpers/face-images.js';
import { pcscUnavailable } from '../helpers/pcsc-daemon.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startReaderRig, type RigReader } from '../helpers/reader-rig.js';
import { summarise, type BenchReport } from './report.js';

const PEOPLE = ['yamada-taro', 'sato-hanako', 'ito-sakura', 'watanabe-mei'];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');
const ms = (v: number) => Number(v.toFixed(0));

/** Resolves on each reader's next check-in message. */
function checkinWaiter(client: mqtt.MqttClient, topic: string) {
  const waiting = new Map<string, () => void>();
  let count = 0;
  client.on('message', (t, payload) => {
    if (t !== topic) return;
    count++;
    const readerId = (JSON.parse(payload.toString()) as { readerId: string }).readerId;
    waiting.get(readerId)?.();
    waiting.delete(readerId);
  });
  return {
    next: (readerId: string) => new Promise<void>((resolve) => waiting.set(readerId, resolve)),
    get count() { return count; },
  };
}

async function pcscReaders(): Promise<BenchReport> {
  const name = 'readers: check-in latency per reader, 1 / 2 / 4 busy readers through pcscd + vpcd';
  const why = pcscUnavailable();
  if (why) return { name, method: 'needs pcscd + vsmartcard-vpcd', figures: [], skipped: why };
  const RUNS = Number(process.env.READERS_BENCH_RUNS ?? 12);
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-readers-'));
  const rig = await startReaderRig(4);
  const config = validateConfig({
    gatewayId: 'bench4', dataDir: join(dir, 'data'), mqtt: { embeddedPort: 0 }, status: { enabled: false },
    card: { driver: 'pcsc', pkiDir: fromRoot('var/pki') }, face: { driver: 'sim', simDecisions: ['match'] }, line: { driver: 'sim' },
    readers: rig.readers.map((r) => r.configEntry()),
  });
  const gateway = await Gateway.start(config, silentLogger, 'bench', FEATURES);
  const sub = await mqtt.connectAsync(gateway.broker!.url, { protocolVersion: 4 });
  await sub.subscribeAsync(gateway.topics.checkins, { qos: 1 });
  const checkins = checkinWaiter(sub, gateway.topics.checkins);
  const desk = (id: string) => gateway.desks.find((d) => d.id === id)!;
  const one = async (r: RigReader, i: number): Promise<number> => {
    const arrived = checkins.next(r.id);
    const start = performance.now();
    await r.insert(virtualCard(PEOPLE[i]));
    await arrived;
    const took = performance.now() - start;
    r.remove();
    await waitFor(`${r.id} idle`, () => desk(r.id).state === 'idle', 30_000, 5);
    return took;
  };
  const figures: { name: string; value: number; unit: string }[] = [];
  const loads: string[] = [];
  try {
    await waitFor('every reader idle', () => gateway.desks.every((d) => d.state === 'idle'), 60_000);
    await Promise.all(rig.readers.map((r, i) => one(r, i))); // warm-up, not counted
    for (const busy of [1, 2, 4]) {
      const lanes = rig.readers.slice(0, busy);
      const samples = await Promise.all(lanes.map(async (r, i) => {
        const out: number[] = [];
        for (let n = 0; n < RUNS; n++) out.push(await one(r, i));
        process.stderr.write(`readers bench: ${busy} busy, ${r.id} done\n`);
        return out;
      }));
      loads.push(`${busy} busy: ${load()}`);
      const all = summarise(samples.flat());
      const worst = Math.max(...samples.map((s) => summarise(s).p95));
      figures.push(
        { name: `${busy} busy: median (all readers)`, value: ms(all.median), unit: 'ms' },
        { name: `${busy} busy: p95 (all readers)`, value: ms(all.p95), unit: 'ms' },
        { name: `${busy} busy: p95 of the slowest reader`, value: ms(worst), unit: 'ms' },
      );
    }
  } finally {
    await sub.endAsync();
    await gateway.stop();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name,
    method: `one gateway (in process) with four readers: PC/SC readers of a private pcscd + vpcd (two vpcd entries of two slots), a virtual My Number card of its own person each, panels on socat pty pairs (serial driver; the simulated patient picks the PIN), sim face, reference eligibility service over mTLS on loopback, SQLite, embedded broker. ${RUNS} check-ins per busy reader after one warm-up each; the others idle. Load average (1/5/15 min) at the end of each step: ${loads.join('; ')}. Nearly all of a check-in is the ~50 ms per APDU of the vpcd path (card bench), not the gateway`,
    figures,
  };
}

type SimCards = { insert(id?: string): void; remove(): void };

async function simReaders(): Promise<BenchReport> {
  const READERS = 20;
  const WINDOW_MS = Number(process.env.READERS_BENCH_WINDOW_MS ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-sim20-'));
  const config = validateConfig({
    gatewayId: 'bench20', dataDir: join(dir, 'data'), mqtt: { embeddedPort: 0 }, status: { enabled: false },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki'), simProfiles: ['yamada-taro'] },
    face: { driver: 'sim', simDecisions: ['match'] }, panel: { driver: 'sim' }, line: { driver: 'sim' },
    readers: Array.from({ length: READERS }, (_, i) => ({ id: `r${i + 1}` })),
  });
  const gateway = await Gateway.start(config, silentLogger, 'bench', FEATURES);
  const sub = await mqtt.connectAsync(gateway.broker!.url, { protocolVersion: 4 });
  let messages = 0;
  sub.on('message', () => messages++);
  await sub.subscribeAsync(`${gateway.topics.base}/#`, { qos: 1 });
  const checkins = checkinWaiter(sub, gateway.topics.checkins);
  const samples: number[] = [];
  let loadAtEnd = '';
  try {
    await waitFor('every reader idle', () => gateway.desks.every((d) => d.state === 'idle'), 60_000);
    const startMessages = messages;
    const startCheckins = checkins.count;
    const started = performance.now();
    await Promise.all(gateway.desks.map(async (desk) => {
      const cards = desk.devices.card as unknown as SimCards;
      while (performance.now() - started < WINDOW_MS) {
        const arrived = checkins.next(desk.id);
        const t0 = performance.now();
        cards.insert();
        await arrived;
        samples.push(performance.now() - t0);
        cards.remove();
        await waitFor(`${desk.id} idle`, () => desk.state === 'idle', 30_000, 5);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    loadAtEnd = load();
    const { median, p95 } = summarise(samples);
    return {
      name: `readers: ${READERS} simulated readers on one gateway, all busy`,
      method: `one gateway (in process) with ${READERS} readers on the SIM card, panel and face drivers (no PC/SC: pcsc-lite allows 16 readers and each vpcd slot costs ~50 ms an APDU; sim face pauses 300 ms), reference eligibility service over mTLS on loopback, SQLite, embedded broker; every reader busy for ${WINDOW_MS / 1000} s; a subscriber on <base>/# counts every message (check-ins, reader states, status). Load average at the end: ${loadAtEnd}`,
      figures: [
        { name: 'check-ins', value: samples.length, unit: '' },
        { name: 'check-ins per second', value: Number(((checkins.count - startCheckins) / seconds).toFixed(1)), unit: '/s' },
        { name: 'check-in latency median', value: ms(median), unit: 'ms' },
        { name: 'check-in latency p95', value: ms(p95), unit: 'ms' },
        { name: 'broker messages per second (all topics)', value: Number(((messages - startMessages) / seconds).toFixed(1)), unit: 'msg/s' },
        { name: 'process RSS after the run', value: Math.round(process.memoryUsage().rss / 2 ** 20), unit: 'MiB' },
      ],
    };
  } finally {
    await sub.endAsync();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

async function faceRss(): Promise<BenchReport> {
  const READERS = 4;
  const PER_READER = 2;
  // The daemon as systemd runs it: compiled (bin/oqsgw.js), with the unit's MALLOC_ARENA_MAX.
  execFileSync(process.execPath, [fromRoot('node_modules/typescript/bin/tsc'), '-p', fromRoot('tsconfig.build.json')], { stdio: 'ignore' });
  const unitEnv = { MALLOC_ARENA_MAX: /^Environment=MALLOC_ARENA_MAX=(\d+)/m.exec(readFileSync(fromRoot('systemd/oqs-gateway.service'), 'utf8'))?.[1] ?? '2' };
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-rss-'));
  const port = await freePort();
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify({
    gatewayId: 'benchrss', dataDir: join(dir, 'data'), status: { enabled: false }, logLevel: process.env.READERS_BENCH_DEBUG ? 'info' : 'warn',
    card: { driver: 'sim', pkiDir: fromRoot('var/pki'), simProfiles: PEOPLE },
    face: { driver: 'camera', source: 'files', simFrames: [sampleFile(1), sampleFile(2)], simFrameIntervalMs: 100 },
    panel: { driver: 'sim', simIdentity: 'face' }, line: { driver: 'sim' },
    readers: Array.from({ length: READERS }, (_, i) => ({ id: `r${i + 1}` })),
  }));
  const child = spawn(process.execPath, [fromRoot('bin/oqsgw.js'), 'demo', '--config', file, '--interval', '0', '--port', String(port)], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...unitEnv },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const pid = child.pid!;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the gateway exited (${code}):\n${out.slice(-3000)}`))));
  exited.catch(() => undefined);
  let client: mqtt.MqttClient | null = null;
  try {
    client = await Promise.race([exited, waitFor('the demo broker', async () => mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0 }).catch(() => null), 120_000, 500)])
      .catch((e: Error) => { throw new Error(`${e.message}\n${out.slice(-3000)}`); });
    const base = 'oqs/benchrss';
    let done = 0;
    const methods = new Map<string, number>();
    client.on('message', (topic, payload) => {
      if (topic !== `${base}/checkins`) return;
      done++;
      if (process.env.READERS_BENCH_DEBUG) process.stderr.write(`${payload.toString().slice(0, 1500)}\n`);
      const e = JSON.parse(payload.toString()) as { method: string | null; face?: Record<string, unknown> | null; result: { code: string } };
      const key = `${e.result.code} by ${e.method ?? 'none'}, face step ${e.face ? JSON.stringify(e.face).slice(0, 60) : 'none'}`;
      methods.set(key, (methods.get(key) ?? 0) + 1);
    });
    await client.subscribeAsync(`${base}/checkins`, { qos: 1 });
    // Triggers count only once the demo listens for them (its banner ends with this line).
    await Promise.race([exited, waitFor('the demo to be ready', () => out.includes('Ctrl-C stops.'), 180_000, 200)]);
    const rssIdle = procStatus(pid, 'VmRSS');
    // A trigger puts a card on the next free reader: four at once, twice.
    for (let round = 0; round < PER_READER; round++) {
      const before = done;
      for (let i = 0; i < READERS; i++) await client.publishAsync(`${base}/demo/checkin`, '{}', { qos: 1 });
      await waitFor(`${READERS} check-ins`, () => done >= before + READERS, 180_000, 100).catch((e: Error) => { throw new Error(`${e.message}\n${out.slice(-3000)}`); });
      await new Promise((r) => setTimeout(r, 1500));
    }
    if (process.env.READERS_BENCH_DEBUG) process.stderr.write(out.slice(-4000));
    const rss = procStatus(pid, 'VmRSS');
    const hwm = procStatus(pid, 'VmHWM');
    return {
      name: 'readers: RSS of one gateway with 4 readers and the face model loaded',
      method: `oqsgw demo (compiled, ${Object.entries(unitEnv).map(([k, v]) => `${k}=${v}`).join(' ')} as in the systemd unit) with 4 readers (sim card with the chip photo, sim panel) sharing one face engine (face.driver camera, model fused, frames from files); ${READERS * PER_READER} check-ins, four at once, twice (${[...methods].map(([k, v]) => `${k} x${v}`).join(', ')}); /proc/<pid>/status of the daemon. The test PKI's chip photos hold no face the engine finds, so each check-in falls back to the PIN: the model is loaded, not matching. Load average: ${load()}`,
      figures: [
        { name: 'RSS after start-up (model loaded, no check-in yet)', value: rssIdle, unit: 'MiB' },
        { name: 'RSS after the check-ins', value: rss, unit: 'MiB' },
        { name: 'peak RSS (VmHWM)', value: hwm, unit: 'MiB' },
      ],
    };
  } finally {
    await client?.endAsync(true);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function readersBench(): Promise<BenchReport[]> {
  const only = process.env.READERS_BENCH_ONLY;
  const reports: BenchReport[] = [];
  if (!only || only === 'pcsc') reports.push(await pcscReaders());
  if (!only || only === 'sim') reports.push(await simReaders());
  if (!only || only === 'rss') reports.push(await faceRss());
  return reports;
}
