// A service that answers nonsense: every odd body ends as LINE_ERROR, never a crash or a result.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { silentLogger } from '../../../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../../../drivers/line/https-client.js';
import { pkiDir } from '../../../helpers/line-harness.js';
import { fakeResult } from '../../../helpers/flow-fakes.js';
import { COMPACT_POSITIONS, compactAnswer } from '../../../../drivers/line/answer-compact.js';

const header = { processExecutionTime: 'now', referenceClassification: '2', segmentOfResult: '1', errorCode: null, errorMessage: null };
const goodResult = fakeResult('valid');
const person = goodResult.results[0];
const BODIES: readonly [string, number, string][] = [
  ['null', 200, 'null'],
  ['array', 200, '[]'],
  ['empty', 200, ''],
  ['no header', 200, JSON.stringify({ result: goodResult })],
  ['normal without result', 200, JSON.stringify({ header, result: null })],
  ['unknown validity code', 200, JSON.stringify({ header, result: { ...goodResult, qualificationValidity: '7' } })],
  ['label not matching its code', 200, JSON.stringify({ header, result: { ...goodResult, qualificationValidityLabel: '無効' } })],
  ['unknown element', 200, JSON.stringify({ header, result: { ...goodResult, MysteryElement: '1' } })],
  ['several results where one is expected', 200, JSON.stringify({ header, result: { ...goodResult, results: [person, person] } })],
  ['copay not 3 digits', 200, JSON.stringify({ header, result: { ...goodResult, results: [{ ...person, insuredPartialContributionRatio: '30' }] } })],
  ['unknown 限度額 code', 200, JSON.stringify({ header, result: { ...goodResult, results: [{ ...person, limitApplicationCertificateRelatedConsFlg: '1', limitApplicationCertificateRelatedInfo: { limitApplicationCertificateClassification: '01', limitApplicationCertificateClassificationLabel: '限度額適用認定証', limitApplicationCertificateClassificationFlag: 'B11', limitApplicationCertificateClassificationFlagLabel: '一般', limitApplicationCertificateDate: null, limitApplicationCertificateValidStartDate: '2020-01-01', limitApplicationCertificateValidEndDate: null, limitApplicationCertificateLongTermDate: null } }] } })],
  ['4xx without error header', 400, JSON.stringify({ error: 'nope' })],
  ['redirect', 302, ''],
  ['prototype pollution', 200, '{"__proto__": {"status": "valid"}, "header": 1}'],
  ['deep nesting', 200, '['.repeat(5000) + ']'.repeat(5000)],
];

t.test('nonsense answers are LINE_ERROR', async (t) => {
  const dir = await pkiDir();
  let next: [number, string] = [200, ''];
  const paths: string[] = [];
  const server = createServer({
    cert: readFileSync(join(dir, 'service', 'server.pem')), key: readFileSync(join(dir, 'service', 'server.key')),
    ca: readFileSync(join(dir, 'clinic', 'ca.pem')), requestCert: true, rejectUnauthorized: true,
  }, (req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(next[0], { 'content-type': 'application/json' }).end(next[1]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { server.closeAllConnections(); server.close(); });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = new HttpsEligibilityClient({
    url: `https://localhost:${port}/oqs`,
    tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) },
    timeoutMs: 5000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 10, breakerThreshold: 1000, breakerCooldownMs: 1000, batchChunk: 100, batchConcurrency: 1,
  }, silentLogger);
  await client.start();
  t.teardown(() => client.stop());
  const query = { insurerNumber: '01130012', symbol: '1', number: '2', branch: '00', birthDate: '2000-01-01' };
  for (const [name, status, body] of BODIES) {
    next = [status, body];
    await t.rejects(client.checkByNumber(query), { code: 'LINE_ERROR' }, `number: ${name}`);
    await t.rejects(client.challenge(), { code: 'LINE_ERROR' }, `challenge: ${name}`);
    const batch = await client.checkBatch([query]);
    t.same(batch.map((b) => (b.ok ? 'ok' : b.code)), ['LINE_ERROR'], `batch: ${name}`);
  }
  // A bad field is named in the error, on single answers and batch items alike.
  next = [200, JSON.stringify({ header, result: { ...goodResult, qualificationValidityLabel: '無効' } })];
  await t.rejects(client.checkByNumber(query), { code: 'LINE_ERROR', message: /\/qualificationValidityLabel/ }, 'the error names the field');
  next = [200, JSON.stringify({ header, result: { ...goodResult, MysteryElement: '1' } })];
  await t.rejects(client.checkByNumber(query), { code: 'LINE_ERROR', message: /result\/MysteryElement: is not a known element/ }, 'an unknown element is named');
  // Batch items travel in the compact form (answer-compact.ts).
  next = [200, JSON.stringify({ header, items: [{ index: 0, header, result: compactAnswer({ ...goodResult, results: [...goodResult.results, ...goodResult.results] }) }] })];
  t.match((await client.checkBatch([query]))[0], { ok: false, code: 'LINE_ERROR', message: /several results where one is expected/ }, 'batch item: several results where one is expected');
  // A batch answer for other patients than asked.
  next = [200, JSON.stringify({ header, items: [{ index: 1, header, result: compactAnswer(goodResult) }] })];
  t.same((await client.checkBatch([query])).map((b) => (b.ok ? 'ok' : b.code)), ['LINE_ERROR'], 'batch: wrong index');
  next = [200, JSON.stringify({ header, items: [{ index: 0, header, result: goodResult }] })];
  t.same((await client.checkBatch([query])).map((b) => (b.ok ? 'ok' : b.code)), ['LINE_ERROR'], 'batch: a full (labelled) item is not the compact form');
  next = [200, JSON.stringify({ header, items: [{ index: 0, header, result: compactAnswer(goodResult).map((v, i) => (i === COMPACT_POSITIONS.indexOf('qualificationValidity') ? '7' : v)) }] })];
  t.same((await client.checkBatch([query])).map((b) => (b.ok ? 'ok' : b.code)), ['LINE_ERROR'], 'batch: an unknown code in the compact form');
  next = [200, JSON.stringify({ header, items: [{ index: 0, header: { ...header, segmentOfResult: '3', errorCode: 'INTERNAL', errorMessage: 'x' }, result: null }] })];
  t.match((await client.checkBatch([query]))[0], { ok: false, code: 'LINE_ERROR' }, 'batch: an item in error carries its own header');
  next = [200, JSON.stringify({ header, items: [{ index: 0, result: null }] })];
  t.match((await client.checkBatch([query]))[0], { ok: false, code: 'LINE_ERROR', message: /without result/ }, 'batch: no header and no result');
  next = [200, JSON.stringify({ header, items: [{ index: 0, result: compactAnswer(goodResult) }] })];
  const right = await client.checkBatch([query]);
  t.same(right.map((b) => (b.ok ? b.result.qualificationValidity : b.code)), ['1'], 'and a right one passes');
  t.same(right[0]?.ok ? right[0].result : null, goodResult, 'expanded to the full model, labels and nulls restored');
  t.equal(paths.at(-1), '/oqs/v1/inquiries/batch', 'a path prefix in line.url is kept');
});
