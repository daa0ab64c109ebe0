// Issue 17 item 9: /status line.lastSuccessAt counted only card check-ins. The client itself now
// keeps the time of its last answered request — inquiries, batches and probes included — and
// /status shows it.
import t from 'tap';
import { startHarness } from '../../../helpers/line-harness.js';

const YAMADA = { insurerNumber: '01130012', symbol: '1010', number: '2345', branch: '00', birthDate: '1980-05-12' };

t.test('every answered request moves lastSuccessAt; a failing one does not', async (t) => {
  const { client, service } = await startHarness(t);
  t.equal(client.health().lastSuccessAt ?? null, null, 'nothing answered yet');
  const before = Date.now();
  await client.checkByNumber(YAMADA);
  const afterInquiry = client.health().lastSuccessAt;
  t.type(afterInquiry, 'string', 'an inquiry by number counts');
  t.ok(Date.parse(afterInquiry!) >= before - 1000);
  await new Promise((r) => setTimeout(r, 20));
  await client.checkBatch([YAMADA]);
  const afterBatch = client.health().lastSuccessAt!;
  t.ok(Date.parse(afterBatch) > Date.parse(afterInquiry!), 'a batch counts');
  await new Promise((r) => setTimeout(r, 20));
  t.ok(await client.probe());
  const afterProbe = client.health().lastSuccessAt!;
  t.ok(Date.parse(afterProbe) > Date.parse(afterBatch), 'a probe counts');
  service.setFaults({ latencyMs: 0, jitterMs: 0, faults: [{ kind: '503', rate: 1 }] });
  await client.checkByNumber(YAMADA).catch(() => {});
  t.equal(client.health().lastSuccessAt, afterProbe, 'a failure leaves it');
});
