// The eligibility line against the local reference service over mutual TLS (keep-alive):
// single-inquiry latency (by number, by card with face, by card with PIN incl. the challenge) and
// batch (一括照会) throughput in patients per minute.
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../drivers/line/https-client.js';
import { EligibilityService } from '../../drivers/line/sim/service/server.js';
import { ensureTestPki } from '../../drivers/line/sim/service/test-pki.js';
import { summarise, type BenchReport } from './report.js';

const RUNS = 300;
const WARMUP = 20;
const BATCH = 10000;

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

const round = (n: number): number => Math.round(n * 100) / 100;

export default async function lineBench(): Promise<BenchReport[]> {
  const dir = await ensureTestPki();
  const service = new EligibilityService({ pkiDir: dir, households: 4000 }, silentLogger);
  await service.start();
  const client = new HttpsEligibilityClient({
    url: service.url,
    tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) },
    timeoutMs: 30000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 100, breakerThreshold: 3, breakerCooldownMs: 15000, batchChunk: 200, batchConcurrency: 4,
  }, silentLogger);
  await client.start();
  try {
    const yamada = service.register.byId('yamada-taro')?.person;
    if (!yamada) throw new Error('register without yamada-taro');
    const byNumber = { ...yamada.insurance, birthDate: yamada.birthDate };
    const der = readFileSync(join(dir, 'jpki', 'people', 'yamada-taro.der'));
    const key = createPrivateKey(readFileSync(join(dir, 'jpki', 'people', 'yamada-taro.key')));
    process.stderr.write('line: single inquiries\n');
    const number = summarise(await timed(() => client.checkByNumber(byNumber)));
    const face = summarise(await timed(() => client.checkByCard({ certificate: der, method: 'face', consents: { drugInfo: true } })));
    const pin = summarise(await timed(async () => {
      const challenge = await client.challenge();
      // The signature stands in for the card's (done on the chip in real life, not timed there).
      const signature = sign('sha256', Buffer.from(challenge), key);
      return client.checkByCard({ certificate: der, method: 'pin', proof: { challenge, signature }, consents: {} });
    }));

    // A fresh client each time: TCP + full mutual-TLS handshake + request (the first check after idle).
    const options = { url: service.url, tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) } };
    const cold = summarise(await timed(async () => {
      const fresh = new HttpsEligibilityClient({ ...options, timeoutMs: 30000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 100, breakerThreshold: 3, breakerCooldownMs: 15000, batchChunk: 200, batchConcurrency: 4 }, silentLogger);
      await fresh.start();
      try { return await fresh.checkByNumber(byNumber); } finally { await fresh.stop(); }
    }));

    process.stderr.write(`line: batch of ${BATCH}\n`);
    const people = service.register.entries;
    const requests = Array.from({ length: BATCH }, (_, i) => {
      const p = people[i % people.length]?.person;
      if (!p) throw new Error('empty register');
      return { ...p.insurance, birthDate: p.birthDate };
    });
    const rates: number[] = [];
    // CPU time as well as wall time: on a shared box the wall-clock rate mostly measures the other
    // jobs; both ends run in this process, so CPU time is the work a patient costs (client + service).
    const cpuRates: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const results = await client.checkBatch(requests);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const used = process.cpuUsage(cpu);
      if (results.filter((r) => r.ok).length !== BATCH) throw new Error('batch had failures');
      rates.push((BATCH / ms) * 60000);
      cpuRates.push((BATCH / ((used.user + used.system) / 1000)) * 60000);
    }
    rates.sort((a, b) => a - b);
    cpuRates.sort((a, b) => a - b);
    return [
      {
        name: 'line: single inquiry latency',
        method: `${RUNS} sequential requests after ${WARMUP} warm-up, real client -> in-process reference service on 127.0.0.1, mutual TLS (RSA 2048), keep-alive; register of ${people.length} people`,
        figures: [
          { name: 'by insurance number, median', value: round(number.median), unit: 'ms' },
          { name: 'by insurance number, p95', value: round(number.p95), unit: 'ms' },
          { name: 'by number, new connection (mTLS handshake), median', value: round(cold.median), unit: 'ms' },
          { name: 'by number, new connection (mTLS handshake), p95', value: round(cold.p95), unit: 'ms' },
          { name: 'by card (face), median', value: round(face.median), unit: 'ms' },
          { name: 'by card (face), p95', value: round(face.p95), unit: 'ms' },
          { name: 'by card (PIN: challenge + sign + check), median', value: round(pin.median), unit: 'ms' },
          { name: 'by card (PIN: challenge + sign + check), p95', value: round(pin.p95), unit: 'ms' },
        ],
      },
      {
        name: 'line: batch throughput (一括照会)',
        method: `${BATCH} patients per batch, chunks of 200, 4 in flight, 3 runs; median of runs (min and max given); per CPU time: patients per minute of this process's CPU (both ends)`,
        figures: [
          { name: 'batch throughput, median', value: Math.round(rates[1] ?? 0), unit: 'patients/min' },
          { name: 'batch throughput, min', value: Math.round(rates[0] ?? 0), unit: 'patients/min' },
          { name: 'batch throughput, max', value: Math.round(rates[2] ?? 0), unit: 'patients/min' },
          { name: 'batch per CPU time (client + service), median', value: Math.round(cpuRates[1] ?? 0), unit: 'patients/CPU-min' },
        ],
      },
    ];
  } finally {
    await client.stop();
    await service.stop();
  }
}
