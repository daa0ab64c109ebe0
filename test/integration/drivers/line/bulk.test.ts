// Asynchronous 一括照会 through the real client and the reference service over mutual TLS: upload
// 2,000 patients, get a reception number, fetch partial results while the service works, a client
// that "crashes" after storing part of a page and a new client (the restarted gateway) that goes
// on from its own cursor: every patient answered exactly once. Then the refusals by name: results
// below the acknowledged index, a reception fetched after full collection, one left uncollected
// past its expiry, an unknown one.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../../vocabulary/log.js';
import { HttpsEligibilityClient } from '../../../../drivers/line/https-client.js';
import type { BatchItemResult } from '../../../../drivers/line/eligibility.js';
import { serviceRefusal, startHarness } from '../../../helpers/line-harness.js';

t.test('一括照会: upload, reception number, partial results, a restart in between, each patient once', async (t) => {
  let now = Date.parse('2026-11-30T01:00:00Z');
  const { dir, client, service } = await startHarness(t, { service: { clock: () => new Date(now), bulk: { ratePerSecond: 1000, expiryMs: 60_000 } } });
  const people = service.register.entries;
  const requests = Array.from({ length: 2000 }, (_, i) => {
    const p = people[i % people.length]?.person;
    if (!p) throw new Error('empty register');
    return { ...p.insurance, birthDate: p.birthDate };
  });

  const { receptionNumber, total } = await client.submitBulk(requests);
  t.match(receptionNumber, /^[0-9A-F]{16}$/);
  t.equal(total, 2000);
  const first = await client.fetchBulk(receptionNumber, 0);
  t.same([first.complete, first.ready, first.items.length], [false, 0, 0], 'nothing made yet: 処理中');

  const stored = new Map<number, BatchItemResult>();
  const twice: number[] = [];
  const store = (items: readonly BatchItemResult[]) => {
    for (const item of items) {
      if (stored.has(item.index)) twice.push(item.index);
      stored.set(item.index, item);
    }
  };

  now += 700; // 700 answered
  const partial = await client.fetchBulk(receptionNumber, 0);
  t.same([partial.complete, partial.ready, partial.items.length, partial.items[0]?.index, partial.items.at(-1)?.index], [false, 700, 500, 0, 499], 'partial results, one page');
  // The gateway stores 300 of them and dies before the rest.
  store(partial.items.slice(0, 300));
  await client.stop();

  // The restarted gateway: a new client, the reception number and the cursor from its database.
  const restarted = new HttpsEligibilityClient({
    url: `https://localhost:${service.port}`,
    tls: { ca: readFileSync(join(dir, 'service', 'ca.pem')), cert: readFileSync(join(dir, 'clinic', 'client.pem')), key: readFileSync(join(dir, 'clinic', 'client.key')) },
    timeoutMs: 5000, connectTimeoutMs: 3000, retries: 0, retryBaseMs: 10,
    breakerThreshold: 100, breakerCooldownMs: 60000, batchChunk: 200, batchConcurrency: 4, probeIntervalMs: 0,
  }, silentLogger);
  await restarted.start();
  t.teardown(() => restarted.stop());
  const resumed = await restarted.fetchBulk(receptionNumber, 300);
  t.same([resumed.items[0]?.index, resumed.items.length], [300, 400], 'the unstored results come again from the cursor');
  store(resumed.items);
  t.equal(await serviceRefusal(restarted.fetchBulk(receptionNumber, 100)), 'LINE_ERROR/ITEMS_COLLECTED', 'results below the acknowledged index are gone, by name');

  now += 2000; // all made
  let cursor = stored.size;
  for (let round = 0; round < 10 && cursor < total; round += 1) {
    const page = await restarted.fetchBulk(receptionNumber, cursor);
    store(page.items);
    cursor += page.items.length;
  }
  const last = await restarted.fetchBulk(receptionNumber, cursor);
  t.same([last.complete, last.items.length, cursor], [true, 0, 2000], 'complete; the fetch from the end collects the reception');
  t.equal(stored.size, 2000, 'every patient answered');
  t.same(twice, [], 'no stored patient came twice');
  const wrong = [...stored.values()].filter((item) => {
    if (!item.ok) return true;
    const asked = requests[item.index];
    const named = item.result.results[0];
    return !asked || (named !== undefined && named.insuredIdentificationNumber !== asked.number);
  });
  t.same(wrong.map((w) => w.index), [], 'each answer is for the patient at its index');
  t.equal(await serviceRefusal(restarted.fetchBulk(receptionNumber, 2000)), 'LINE_ERROR/RECEPTION_COLLECTED', 'fetched twice: refused by name');

  // Left uncollected past its expiry (60 s after the results were made): gone, by name.
  const late = await restarted.submitBulk(requests.slice(0, 10));
  now += 61_000;
  t.equal(await serviceRefusal(restarted.fetchBulk(late.receptionNumber, 0)), 'LINE_ERROR/RECEPTION_EXPIRED');
  t.equal(await serviceRefusal(restarted.fetchBulk('0123456789ABCDEF', 0)), 'LINE_ERROR/RECEPTION_UNKNOWN');
  t.equal(await serviceRefusal(restarted.fetchBulk('not-a-number', 0)), 'LINE_ERROR/BAD_REQUEST');
  t.equal(await serviceRefusal(restarted.submitBulk([])), 'LINE_ERROR/-', 'an empty upload is refused before sending');
});
