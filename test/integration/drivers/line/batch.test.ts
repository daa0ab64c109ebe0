// 一括照会: a batch of 1,000 booked patients comes back in order, one result each, and a failing
// chunk marks only its own patients. Also the 'sim' driver the demo uses.
import t from 'tap';
import { createEligibilityClient } from '../../../../drivers/line/index.js';
import { SimEligibilityLine } from '../../../../drivers/line/sim/sim-eligibility-client.js';
import { validateConfig } from '../../../../config/load.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { startHarness } from '../../../helpers/line-harness.js';

t.test('a batch of 1,000 completes with a result per patient', async (t) => {
  const { client, service } = await startHarness(t, { service: { households: 600 } });
  const people = service.register.entries.slice(0, 990);
  t.equal(people.length, 990);
  const requests = [
    ...people.map((e) => ({ ...e.person.insurance, birthDate: e.person.birthDate })),
    ...Array.from({ length: 10 }, (_, i) => ({ insurerNumber: '01130012', symbol: 'X', number: String(900000 + i), branch: '00', birthDate: '2000-01-01' })),
  ];
  const results = await client.checkBatch(requests);
  t.equal(results.length, 1000);
  t.ok(results.every((r, i) => r.index === i), 'in order');
  const wrong = results.slice(0, 990).filter((r, i) => {
    const e = people[i];
    if (!r.ok || !e) return true;
    // As of today: lost with a newer insurance 3, lost or expired 2, welfare not registered 6.
    const expected = e.person.welfare?.registered === false ? '6' : e.qualification === 'valid' ? '1' : e.newerInsurance ? '3' : '2';
    return r.result.qualificationValidity !== expected || r.result.results[0]?.name !== e.person.name;
  });
  t.same(wrong, [], 'each patient gets their own answer');
  t.ok(results.slice(990).every((r) => r.ok && r.result.qualificationValidity === '4' && r.result.results.length === 0), 'unknown numbers: 4 該当資格なし');
  t.ok(results.some((r) => r.ok && r.result.qualificationValidity === '2'), 'the batch contains invalid ones');
  t.equal(service.requests, 5, '1,000 in chunks of 200');
});

t.test('a failing chunk marks its own patients only', async (t) => {
  const { client, service } = await startHarness(t, { client: { batchChunk: 10, batchConcurrency: 1 } });
  const requests = service.register.entries.slice(0, 40).map((e) => ({ ...e.person.insurance, birthDate: e.person.birthDate }));
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [{ kind: 'malformed', rate: 0.5 }] });
  const results = await client.checkBatch(requests);
  t.equal(results.length, 40);
  const failed = results.filter((r) => !r.ok);
  t.ok(failed.length > 0 && failed.length < 40, `${failed.length} failed`);
  t.ok(failed.every((r) => !r.ok && r.code === 'LINE_ERROR'));
  t.equal(failed.length % 10, 0, 'whole chunks fail together');
  t.same(await client.checkBatch([]), []);
});

t.test("the 'sim' driver needs no config and talks real mTLS", async (t) => {
  const line = createEligibilityClient(validateConfig({ line: { sim: { households: 50 } } }).line, silentLogger);
  t.ok(line instanceof SimEligibilityLine);
  t.equal(line.health().ok, false, 'not started');
  await line.start();
  t.teardown(() => line.stop());
  t.equal(line.health().ok, true);
  // Until the start probe has answered it does not claim "line up" (issue 17).
  t.match(line.health().detail, /^sim: line (up|not contacted yet)/);
  const result = await line.checkByNumber({ insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' });
  t.equal(result.results[0]?.name, '山田　太郎');
  t.match(line.health().detail, /^sim: line up/);
  t.ok((line as SimEligibilityLine).service?.url.startsWith('https://localhost:'));
  t.throws(() => createEligibilityClient(validateConfig({ line: { sim: { faults: 'nonsense' } } }).line, silentLogger), /unknown fault/);
});

t.test("the 'sim' driver's faults come from config", async (t) => {
  const line = createEligibilityClient(validateConfig({ line: { retries: 0, sim: { households: 0, faults: '503' } } }).line, silentLogger);
  await line.start();
  t.teardown(() => line.stop());
  await t.rejects(line.checkByNumber({ insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' }), { code: 'LINE_DOWN' });
});
