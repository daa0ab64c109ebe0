// Per-step CPU cost of one 200-patient batch answer (what line.bench.ts's batch pays per chunk,
// without TLS and HTTP): the service building the answers, compacting, JSON.stringify and UTF-8
// encoding; the client decoding, JSON.parse, the schema check, expanding and the answer checks.
// Medians of REPS repetitions after warm-up, in ms per 200 patients, and the load average.
import { loadavg } from 'node:os';
import { silentLogger } from '../../vocabulary/log.js';
import { compactAnswer, expandAnswer } from '../../drivers/line/answer-compact.js';
import { answerProblems } from '../../drivers/line/answer-check.js';
import { validators } from '../../drivers/line/wire.js';
import { EligibilityService } from '../../drivers/line/sim/service/server.js';
import { answerFor, japanDate } from '../../drivers/line/sim/service/answers.js';
import { ensureTestPki } from '../../drivers/line/sim/service/test-pki.js';

const REPS = Number(process.env.REPS ?? 200);
const service = new EligibilityService({ pkiDir: await ensureTestPki(), households: 4000 }, silentLogger);
const entries = service.register.entries.slice(0, 200);
const now = new Date();
const header = { processExecutionTime: now.toISOString(), referenceClassification: '2' as const, segmentOfResult: '1' as const, errorCode: null, errorMessage: null };
const steps: Record<string, number[]> = {};
const time = <T>(name: string, fn: () => T): T => {
  const start = process.hrtime.bigint();
  const out = fn();
  const list = steps[name] ?? [];
  list.push(Number(process.hrtime.bigint() - start) / 1e6);
  steps[name] = list;
  return out;
};
for (let rep = 0; rep < REPS + 20; rep += 1) {
  const full = time('service: build 200 answers (answerFor)', () => entries.map((e) => answerFor([e], { via: 'number', now, date: japanDate(now), consents: {}, limitConsent: false })));
  const compact = time('service: compact', () => full.map(compactAnswer));
  const text = time('service: JSON.stringify (compact)', () => JSON.stringify({ header, items: compact.map((result, index) => ({ index, result })) }));
  time('(full form: JSON.stringify, for comparison)', () => JSON.stringify({ header, items: full.map((result, index) => ({ index, header, result })) }));
  const bytes = time('service: UTF-8 encode', () => Buffer.from(text));
  const decoded = time('client: UTF-8 decode', () => bytes.toString('utf8'));
  const body = time('client: JSON.parse', () => JSON.parse(decoded) as { items: { result: unknown[] }[] });
  time('client: schema check (compact)', () => validators.batchResponse(body));
  const expanded = time('client: expand', () => body.items.map((i) => expandAnswer(i.result)));
  time('client: answer checks (counts, consents)', () => expanded.map((a) => answerProblems(a, { labels: false })));
  if (rep === 0) console.log(`bytes per patient: compact ${Math.round(bytes.length / 200)}, full ${Math.round(Buffer.byteLength(JSON.stringify(full)) / 200)}`);
}
const median = (xs: number[]) => [...xs.slice(20)].sort((a, b) => a - b)[Math.floor((xs.length - 20) / 2)] ?? 0;
for (const [name, xs] of Object.entries(steps)) console.log(`${name.padEnd(48)} ${median(xs).toFixed(2)} ms`);
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
