// Graceful shutdown as systemd does it (SIGTERM) while a check-in waits on a slow eligibility
// line: the check-in ends cleanly and is committed (finished or SHUTTING_DOWN, never lost), offline
// is published, and the process exits 0 well within the unit's TimeoutStopSec.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sqlite3 from 'sqlite3';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../../helpers/daemon.js';
import { removeDir } from '../../../helpers/mosquitto.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

function outboxCodes(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => e && reject(e));
    db.all("SELECT payload FROM outbox WHERE topic LIKE '%/checkins' ORDER BY seq", (e, rows: { payload: string }[]) => {
      db.close();
      if (e) reject(e);
      else resolve(rows.map((r) => (JSON.parse(r.payload) as { result: { code: string } }).result.code));
    });
  });
}

t.test('SIGTERM during a check-in: committed, offline published, exit 0 in time', async (t) => {
  const stopBudgetMs = Number(/^TimeoutStopSec=(\d+)s?$/m.exec(readFileSync(fromRoot('systemd/oqs-gateway.service'), 'utf8'))?.[1]) * 1000;
  t.ok(stopBudgetMs > 0, `the unit allows ${stopBudgetMs} ms to stop`);
  const brokerPort = await freePort();
  const { dir, file } = writeConfig({
    gatewayId: 'opsd',
    dataDir: 'data',
    logLevel: 'info',
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    // The panel simulator on a socat pty pair: a real link that the stop closes.
    panel: { driver: 'pty' },
    // A line slower than anything the test waits for: the stop must not wait for its answer.
    line: { driver: 'sim', timeoutMs: 60000, sim: { latencyMs: 45000 } },
    flow: { lineTimeoutMs: 60000 },
    status: { enabled: false },
  });
  const daemon = startDaemon(['demo', '--config', file, '--interval', '0', '--port', String(brokerPort)], dir);
  let client: mqtt.MqttClient | null = null;
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await client?.endAsync(true);
    removeDir(dir);
  });
  const fail = (e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); };
  await waitFor('the daemon to start', () => /oqsgw demo/.test(daemon.output()), 60000).catch(fail);

  client = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { clientId: 'ops-shutdown', protocolVersion: 4 });
  const seen: { topic: string; body: Record<string, unknown> }[] = [];
  client.on('message', (topic, payload) => seen.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await client.subscribeAsync('oqs/opsd/#', { qos: 1 });
  await client.publishAsync('oqs/opsd/demo/checkin', '{}', { qos: 1 });
  await waitFor('the check-in to wait on the line', () => seen.some((m) => m.topic.endsWith('/state') && m.body.state === 'querying'), 30000).catch(fail);

  const started = Date.now();
  const code = await daemon.stop('SIGTERM');
  const took = Date.now() - started;
  t.equal(code, 0, 'exit 0');
  t.ok(took < stopBudgetMs, `stopped in ${took} ms, within TimeoutStopSec`);
  t.ok(took < 40000, 'did not wait for the line (45 s latency)');
  t.equal(seen.filter((m) => m.topic === 'oqs/opsd/status').at(-1)?.body.state, 'offline', 'offline published');
  // Issue 17 item 10: a clean stop is not a fault; it must not log the broker and panel as lost.
  const warnings = daemon.output().split('\n').filter((l) => l.includes('"level":"warn"') && /connection lost|link down/.test(l));
  t.same(warnings, [], 'no "broker connection lost" / "panel link down" warnings on a clean SIGTERM');

  const codes = await outboxCodes(join(dir, 'data', 'gateway.sqlite'));
  t.equal(codes.length, 1, 'the interrupted check-in was committed');
  t.match(codes[0], /^(SHUTTING_DOWN|ELIGIBLE)$/, 'finished or cleanly aborted');
});
