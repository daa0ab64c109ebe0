// The batch part of line.bench.ts alone (for `node --cpu-prof`): the real client and the reference
// service in this process over mutual TLS, BATCH patients per run, RUNS runs; prints patients per
// CPU-minute (both ends) and per wall-clock minute for each run, and the load average.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../drivers/line/https-client.js';
import { EligibilityService } from '../../drivers/line/sim/service/server.js';
import { ensureTestPki } from '../../drivers/line/sim/service/test-pki.js';

const BATCH = Number(process.env.BATCH ?? 10000);
const RUNS = Number(process.env.RUNS ?? 3);

const dir = await ensureTestPki();
const service = new EligibilityService({ pkiDir: dir, households: 4000 }, silentLogger);
await service.start();
const client = new HttpsEligibilityClient({
  url: service.url,
  tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) },
  timeoutMs: 30000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 100, breakerThreshold: 3, breakerCooldownMs: 15000, batchChunk: 200, batchConcurrency: 4,
}, silentLogger);
await client.start();
const people = service.register.entries;
const requests = Array.from({ length: BATCH }, (_, i) => {
  const p = people[i % people.length]?.person;
  if (!p) throw new Error('empty register');
  return { ...p.insurance, birthDate: p.birthDate };
});
const cpuRates: number[] = [];
for (let run = 0; run < RUNS; run += 1) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const results = await client.checkBatch(requests);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  if (results.filter((r) => r.ok).length !== BATCH) throw new Error('batch had failures');
  const perCpu = (BATCH / ((used.user + used.system) / 1000)) * 60000;
  cpuRates.push(perCpu);
  console.log(`run ${run + 1}: ${Math.round(perCpu)} patients/CPU-min, ${Math.round((BATCH / ms) * 60000)} patients/min wall, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
cpuRates.sort((a, b) => a - b);
console.log(`median ${Math.round(cpuRates[Math.floor(cpuRates.length / 2)] ?? 0)} patients/CPU-min`);
await client.stop();
await service.stop();
