// mqtt.urls on the connection (issue 18), with two real mosquitto nodes: node A down at the start,
// so the client uses node B; node A comes up and the client goes back to it (failback, which is
// not a failover: nothing is resent); node A is SIGKILLed and the client is on node B again, with
// the failover reported (from, to, when the connection was lost). Logs name the node by
// host:port, never with the user name or password.
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import t from 'tap';
import { connectBroker, type FailoverEvent } from '../../../../daemon/mqtt/connection.js';
import type { MqttConfig } from '../../../../daemon/mqtt/config.js';
import { createLogger } from '../../../../vocabulary/log.js';
import { removeDir, startMosquitto, type Mosquitto } from '../../../helpers/mosquitto.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

interface Line { msg: string; broker?: string; primary?: string; node?: number; of?: number }

t.test('node A down at first, then back (failback), then killed (failover)', { timeout: 60_000 }, async (t) => {
  const lines: Line[] = [];
  const raw: string[] = [];
  const logger = createLogger('info', new Writable({ write(chunk: Buffer, _e, done) { raw.push(chunk.toString()); lines.push(JSON.parse(chunk.toString()) as Line); done(); } }));
  const portA = await freePort();
  const nodeB = await startMosquitto();
  let nodeA: Mosquitto | null = null;
  const urlA = `mqtt://127.0.0.1:${portA}`;
  const config = {
    url: '', urls: [urlA, nodeB.url], username: 'gw', password: 's3cret-pw', ca: '', cert: '', key: '',
    reconnectMilliseconds: 100, reconnectMaxMilliseconds: 400, failbackSeconds: 1, resendWindowSeconds: 60,
  } as MqttConfig;
  const failovers: FailoverEvent[] = [];
  const client = connectBroker({
    urls: config.urls, clientId: 'failover-probe', protocolVersion: 5, will: { topic: 'x/status', payload: '{}' }, config, logger,
    onFailover: (event) => failovers.push(event),
  });
  t.teardown(async () => {
    await client.endAsync(true);
    for (const node of [nodeA, nodeB]) {
      await node?.stop('SIGKILL');
      if (node) removeDir(node.dir);
    }
  });
  // The node of the last 'connect' event while still connected (mqtt.js sets `connected` before it
  // has sent the queued messages again and emitted 'connect'; the logs come with the event).
  let connectedPort: number | null = null;
  client.on('connect', () => (connectedPort = Number(client.options.port)));
  client.on('close', () => (connectedPort = null));
  const nodeNow = () => (client.connected ? connectedPort : null);
  const a = `127.0.0.1:${portA}`;
  const b = `127.0.0.1:${nodeB.port}`;

  await waitFor('on node B while node A is down', () => nodeNow() === nodeB.port, 20_000);
  t.match(lines.find((l) => l.msg === 'broker connected'), { broker: b, node: 2, of: 2 }, 'the log names node B (2 of 2)');
  t.same(failovers, [], 'no connection was lost: not a failover');

  nodeA = await startMosquitto('', portA);
  await waitFor('back on node A once it answers', () => nodeNow() === portA, 20_000);
  t.ok(lines.some((l) => l.msg === 'first broker node answers again; going back to it' && l.broker === b && l.primary === a), 'failback logged with both nodes');
  t.match(lines.filter((l) => l.msg === 'broker connected').at(-1), { broker: a, node: 1, of: 2 }, 'the log names node A (1 of 2)');
  t.same(failovers, [], 'a failback is not a failover (node B is up and passes on what it took)');

  // A subscription made on node A (as the gateway's request topics are) ...
  const requests: string[] = [];
  client.on('message', (topic) => requests.push(topic));
  await client.subscribeAsync('x/requests', { qos: 1 });
  const killedAt = Date.now();
  await nodeA.stop('SIGKILL');
  await waitFor('on node B after node A was killed', () => nodeNow() === nodeB.port, 20_000);
  // ... is made again on node B, which has no session of ours (mqtt.js resubscribes on a new session).
  // Node B still holds the session of the start (before the subscription): present, but stale.
  const requester = await mqtt.connectAsync(nodeB.url, { clientId: 'failover-requester', protocolVersion: 5 });
  t.teardown(() => requester.endAsync(true));
  await waitFor('a request published on node B reaches the client', async () => {
    await requester.publishAsync('x/requests', '{}', { qos: 1 });
    return requests.length > 0;
  }, 20_000);
  t.pass('the subscription follows the client to node B');
  t.equal(failovers.length, 1, 'one failover');
  t.match(failovers[0], { from: a, to: b }, 'from node A to node B');
  t.ok(failovers[0]!.lostAt >= killedAt, 'with the time the connection to node A was lost');
  t.ok(lines.some((l) => l.msg === 'broker connection lost; reconnecting' && l.broker === a), 'the loss names node A');
  t.notOk(raw.some((l) => l.includes('s3cret-pw') || l.includes('gw@')), 'no credentials in any log line');

  // Node A stays dead: the client stays on node B (two failback probes, 1 s apart, find nothing).
  const lineCount = lines.length;
  await new Promise((r) => setTimeout(r, 2500));
  t.equal(nodeNow(), nodeB.port, 'still on node B');
  t.notOk(lines.slice(lineCount).some((l) => l.msg === 'broker connection lost; reconnecting'), 'and not dropped by a failed failback');
});
