// Each injected fault ends in its result code, never a crash or a hang; requests safe to repeat
// are retried, card checks are not; the breaker opens and then fails fast without touching the line.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { silentLogger } from '../../../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../../../drivers/line/https-client.js';
import type { FaultKind } from '../../../../drivers/line/sim/service/faults.js';
import { cardDer, codeOfRejection, pkiDir, startHarness } from '../../../helpers/line-harness.js';

const numberCheck = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };
const only = (kind: FaultKind) => ({ latencyMs: 0, jitterMs: 0, faults: [{ kind, rate: 1 }] });

const EXPECTED: Record<FaultKind, string> = {
  timeout: 'LINE_TIMEOUT', '5xx': 'LINE_ERROR', '503': 'LINE_DOWN', malformed: 'LINE_ERROR', invalid: 'LINE_ERROR', reset: 'LINE_DOWN', tls: 'LINE_DOWN',
};

t.test('each fault gives its result code', async (t) => {
  const { client, service } = await startHarness(t, { client: { timeoutMs: 400 } });
  for (const [kind, code] of Object.entries(EXPECTED) as [FaultKind, string][]) {
    service.setFaults(only(kind));
    t.equal(await codeOfRejection(client.checkByNumber(numberCheck)), code, `number: ${kind}`);
    t.equal(await codeOfRejection(client.checkByCard({ certificate: cardDer((await pkiDir()), 'yamada-taro'), method: 'face', consents: {} })), code, `card: ${kind}`);
    t.equal(await codeOfRejection(client.challenge()), code, `challenge: ${kind}`);
    const batch = await client.checkBatch([numberCheck, numberCheck]);
    t.same(batch.map((b) => (b.ok ? 'ok' : b.code)), [code, code], `batch: ${kind} marks each patient, does not throw`);
  }
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [] });
  t.equal((await client.checkByNumber(numberCheck)).qualificationValidity, '1', 'back to normal');
});

t.test('retries: by number yes, card only when it never left', async (t) => {
  const { dir, client, service } = await startHarness(t, { client: { retries: 2 } });
  service.setFaults(only('5xx'));
  let before = service.requests;
  t.equal(await codeOfRejection(client.checkByNumber(numberCheck)), 'LINE_ERROR');
  t.equal(service.requests - before, 3, 'by number: 1 + 2 retries');
  before = service.requests;
  t.equal(await codeOfRejection(client.checkByCard({ certificate: cardDer(dir, 'yamada-taro'), method: 'face', consents: {} })), 'LINE_ERROR');
  t.equal(service.requests - before, 1, 'card: reached the service once, not repeated');
  // Half the requests fail: with retries the inquiries get through.
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [{ kind: '5xx', rate: 0.3 }] });
  let ok = 0;
  for (let i = 0; i < 20; i += 1) if ((await codeOfRejection(client.checkByNumber(numberCheck))) === 'resolved') ok += 1;
  t.ok(ok >= 18, `${ok}/20 got through a 30 % fault rate`);
});

t.test('the breaker opens and fails fast, then closes after a good probe', async (t) => {
  const { client, service } = await startHarness(t, { client: { breakerThreshold: 2, breakerCooldownMs: 200 } });
  service.setFaults(only('503'));
  await codeOfRejection(client.checkByNumber(numberCheck));
  await codeOfRejection(client.checkByNumber(numberCheck));
  t.equal(client.health().breaker, 'open');
  t.equal(client.health().ok, false);
  const before = service.requests;
  await t.rejects(client.checkByNumber(numberCheck), { code: 'LINE_DOWN', message: /circuit open/ });
  await t.rejects(client.checkByCard({ certificate: Buffer.from('x'), method: 'face', consents: {} }), { code: 'LINE_DOWN' });
  t.equal(service.requests, before, 'open breaker: nothing sent');
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [] });
  await new Promise((resolve) => setTimeout(resolve, 400)); // past the cool-down
  t.equal(client.health().breaker, 'half-open');
  t.equal((await client.checkByNumber(numberCheck)).qualificationValidity, '1', 'the probe goes through');
  t.equal(client.health().breaker, 'closed');
});

t.test('a dead line fails at once with LINE_DOWN', async (t) => {
  const dir = await pkiDir();
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => probe.close(resolve));
  const client = new HttpsEligibilityClient({
    url: `https://localhost:${port}`,
    tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) },
    timeoutMs: 60000, connectTimeoutMs: 60000, retries: 0, retryBaseMs: 10, breakerThreshold: 1, breakerCooldownMs: 60000, batchChunk: 100, batchConcurrency: 1,
  }, silentLogger);
  await client.start();
  t.teardown(() => client.stop());
  await t.rejects(client.checkByCard({ certificate: cardDer(dir, 'yamada-taro'), method: 'face', consents: {} }), { code: 'LINE_DOWN', message: /ECONNREFUSED/ });
  t.equal(client.health().breaker, 'open');
  t.match(client.health().detail, /ECONNREFUSED/);
  await t.rejects(client.checkByNumber(numberCheck), { code: 'LINE_DOWN' });
});

t.test('the caller can abort a slow request', async (t) => {
  const { client, service } = await startHarness(t);
  service.setFaults(only('timeout'));
  const ac = new AbortController();
  const pending = client.checkByNumber(numberCheck, ac.signal);
  setImmediate(() => ac.abort(new Error('card removed')));
  await t.rejects(pending, { message: 'card removed' });
  t.equal(client.health().breaker, 'closed', 'an abort is not a line failure');
});

t.test('the idle probe finds a dead line before the next patient, and finds it back', async (t) => {
  const { client, service } = await startHarness(t, { client: { breakerThreshold: 1, breakerCooldownMs: 100 } });
  service.setFaults(only('503'));
  t.equal(await client.probe(), false);
  t.equal(client.health().breaker, 'open', 'a failed probe opens the breaker');
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [] });
  t.equal(await client.probe(), false, 'still cooling down: nothing sent');
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(await client.probe(), true);
  t.equal(client.health().breaker, 'closed', 'the line is back without a patient having to try');
});

t.test('the probe runs by itself when the line is idle', async (t) => {
  const { service } = await startHarness(t, { client: { probeIntervalMs: 20 } });
  for (let i = 0; i < 250 && service.requests === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(service.requests > 0, `probed (${service.requests} requests)`);
});
