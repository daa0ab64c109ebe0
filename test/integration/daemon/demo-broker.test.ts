// Issue 17 item 4: the EHR contract is MQTT 5 (Response Topic, Correlation Data), and the demo's
// embedded aedes speaks 3.1.1 only, so `mosquitto_sub -V mqttv5` against `oqsgw demo` was
// refused. The demo now runs Debian's mosquitto on its port when installed (aedes only as the
// fallback) and says which in its banner and on /status.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { fromRoot } from '../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../helpers/daemon.js';
import { removeDir } from '../../helpers/mosquitto.js';
import { freePort, waitFor } from '../../helpers/ports.js';

const run = promisify(execFile);
const SUB = ['/usr/bin/mosquitto_sub', '/usr/sbin/mosquitto_sub'].find((p) => existsSync(p)) ?? 'mosquitto_sub';

async function demo(t: Test, broker: 'auto' | 'aedes') {
  const [statusPort, brokerPort] = [await freePort(), await freePort()];
  const { dir, file } = writeConfig({
    version: 2, gatewayId: 'demob', dataDir: 'data', logLevel: 'warn',
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') }, face: { driver: 'sim', simDecisions: ['match'] }, panel: { driver: 'sim' }, line: { driver: 'sim' },
    status: { port: statusPort },
  });
  const daemon = startDaemon(['demo', '--config', file, '--interval', '0', '--port', String(brokerPort), '--broker', broker], dir);
  t.teardown(async () => { await daemon.stop('SIGTERM'); removeDir(dir); });
  await waitFor('the demo banner', () => daemon.output().includes('Ctrl-C stops'), 30000);
  const status = await waitFor('/status', async () => {
    const res = await fetch(`http://127.0.0.1:${statusPort}/status`).catch(() => null);
    return res?.ok ? ((await res.json()) as { broker: Record<string, unknown> }) : null;
  });
  return { daemon, brokerPort, status };
}

t.test('oqsgw demo runs mosquitto: mosquitto_sub -V mqttv5 -t oqs/# works', { skip: existsSync('/usr/sbin/mosquitto') ? false : 'mosquitto not installed' }, async (t) => {
  const { daemon, brokerPort, status } = await demo(t, 'auto');
  t.match(daemon.output(), /broker mosquitto \(MQTT 5\) mqtt:\/\/127\.0\.0\.1:\d+/, 'the banner says which broker');
  t.match(status.broker, { embedded: true, kind: 'mosquitto', connected: true });
  const { stdout } = await run(SUB, ['-V', 'mqttv5', '-h', '127.0.0.1', '-p', String(brokerPort), '-t', 'oqs/#', '-C', '1', '-W', '10', '-v']);
  t.match(stdout, /^oqs\/demob\/\S+ \{"schema":"oqs\./, 'an MQTT 5 subscriber gets the retained status');
});

t.test('the fallback: embedded aedes (MQTT 3.1.1), said so', async (t) => {
  const { daemon, status } = await demo(t, 'aedes');
  t.match(daemon.output(), /broker aedes \(embedded, MQTT 3\.1\.1 only\)/);
  t.match(status.broker, { embedded: true, kind: 'aedes', connected: true });
});
