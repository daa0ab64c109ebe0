// Issue 17 item 5: a refused line certificate was hard to diagnose: /readyz said "line up" for
// seconds before any contact, then "ECONNRESET … check line.url". The client probes the line at
// start, and a refused handshake names line.cert (our certificate refused) or line.ca (theirs
// does not chain to the pinned CA).
import t from 'tap';
import { startHarness } from '../../../helpers/line-harness.js';
import { waitFor } from '../../../helpers/ports.js';

t.test('our client certificate refused by the service: line.cert named, before any request', async (t) => {
  const { client } = await startHarness(t, { clientIdentity: 'rogue/client', client: { probeIntervalMs: 60000 } });
  const health = await waitFor('the start probe to fail', () => (client.health().ok ? null : client.health()), 5000);
  t.match(health.detail, /line\.cert/);
});

t.test("the service's certificate does not chain to line.ca: line.ca named", async (t) => {
  const { client } = await startHarness(t, { pinnedCa: 'clinic/ca.pem', client: { probeIntervalMs: 60000 } });
  const health = await waitFor('the start probe to fail', () => (client.health().ok ? null : client.health()), 5000);
  t.match(health.detail, /line\.ca/);
});

t.test('a good line: not called up before it answered, then up', async (t) => {
  const { client } = await startHarness(t, { client: { probeIntervalMs: 60000 } });
  await waitFor('the start probe to answer', () => client.health().lastSuccessAt, 5000);
  t.match(client.health(), { ok: true, detail: /line up/ });
});
