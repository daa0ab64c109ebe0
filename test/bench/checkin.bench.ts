// The whole check-in path in one process, all devices simulated: card placed -> check-in
// received by an MQTT subscriber on the embedded broker. Measures wall time per check-in
// (median, p95) and the process's memory after the run. Simulated face/panel delays are set to
// zero-ish so the figure is the gateway's own cost (card APDUs, TLS to the local reference
// service, SQLite commit, MQTT publish), not the simulators' pauses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { validateConfig } from '../../config/load.js';
import { Gateway } from '../../daemon/gateway.js';
import { FEATURES } from '../../daemon/features.js';
import { silentLogger } from '../../vocabulary/log.js';
import { fromRoot } from '../../vocabulary/paths.js';
import type { BenchReport } from './report.js';
import { summarise } from './report.js';

const RUNS = 100;

interface SimCards { insert(profileId?: string): void; remove(): void }

export default async function bench(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'oqs-bench-checkin-'));
  const config = validateConfig({
    gatewayId: 'bench',
    dataDir: join(dir, 'data'),
    mqtt: { embeddedPort: 0 },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki'), simProfiles: ['yamada-taro'] },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: { driver: 'sim' },
  });
  const gateway = await Gateway.start(config, silentLogger, 'bench', FEATURES);
  const cards = gateway.devices.card as unknown as SimCards;
  const sub = await mqtt.connectAsync(gateway.broker!.url, { protocolVersion: 4 });
  await sub.subscribeAsync(gateway.topics.checkins, { qos: 1 });
  let arrived: (() => void) | null = null;
  sub.on('message', () => arrived?.());
  const samples: number[] = [];
  const codes = new Map<string, number>();
  gateway.bus.on('checkin', (e) => codes.set(e.result.code, (codes.get(e.result.code) ?? 0) + 1));
  for (let i = 0; i < RUNS; i++) {
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const started = performance.now();
    cards.insert('yamada-taro');
    await received;
    samples.push(performance.now() - started);
    cards.remove();
    while (gateway.readerState !== 'idle') await new Promise((r) => setTimeout(r, 2));
  }
  const memory = process.memoryUsage();
  await sub.endAsync();
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
  const { median, p95 } = summarise(samples);
  return {
    name: 'check-in, card placed to event on MQTT (all devices simulated)',
    method: `${RUNS} sequential check-ins of one test person in one process: SimCardReader (APDUs to the virtual card), sim face (300 ms pause), sim panel, reference eligibility service over mTLS on loopback, SQLite commit, embedded broker; timed from insert() to the subscriber's message. Results: ${[...codes].map(([c, n]) => `${c} x${n}`).join(', ')}`,
    figures: [
      { name: 'check-in median', value: +median.toFixed(1), unit: 'ms' },
      { name: 'check-in p95', value: +p95.toFixed(1), unit: 'ms' },
      { name: 'process RSS after run', value: Math.round(memory.rss / 2 ** 20), unit: 'MiB' },
      { name: 'JS heap used after run', value: Math.round(memory.heapUsed / 2 ** 20), unit: 'MiB' },
    ],
  };
}
