// The daemon as systemd runs it, with check-ins flowing: READY=1 and watchdog pings on a fake
// NOTIFY_SOCKET; /healthz, /readyz, /status and /metrics in shape and free of the patient data that
// went out on MQTT; a warning (disk, forced by config) on /status, in the logs and on the retained
// status; and SIGTERM: STOPPING=1, offline published, exit 0 well within the unit's stop timeout.
import t from 'tap';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startDaemon, writeConfig } from '../../../helpers/daemon.js';
import { removeDir } from '../../../helpers/mosquitto.js';
import { startNotifyReceiver } from '../../../helpers/ops-notify.js';
import { freePort, waitFor } from '../../../helpers/ports.js';

type Json = Record<string, unknown>;
interface Person { name: string; nameKana: string; address: string; postNumber: string; birthdate: string; insurerNumber: string; insuredIdentificationNumber: string }

/** TimeoutStopSec= of the shipped unit, in ms: the budget a graceful stop must fit in. */
function unitStopTimeoutMs(): number {
  const m = /^TimeoutStopSec=(\d+)s?$/m.exec(readFileSync(fromRoot('systemd/oqs-gateway.service'), 'utf8'));
  if (!m) throw new Error('TimeoutStopSec= not found in systemd/oqs-gateway.service');
  return Number(m[1]) * 1000;
}

/** Patient values as whole tokens: a digit string inside a longer number does not count. */
function leaks(text: string, people: Person[]): string[] {
  const found = new Set<string>();
  const token = (value: string) => new RegExp(`(?<![0-9A-Za-z])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
  for (const p of people) {
    const values = [p.name, p.nameKana, p.address, p.postNumber, p.birthdate, p.insurerNumber];
    if (p.insuredIdentificationNumber.length >= 6) values.push(p.insuredIdentificationNumber);
    for (const v of values) if (v && token(v).test(text)) found.add(v);
  }
  for (const key of ['"results"', '"nameKana"', '"address"', '"insurerNumber"', '"birthdate"']) if (text.includes(key)) found.add(key);
  return [...found];
}

t.test('status endpoint, warnings and systemd notifications of a running demo gateway', async (t) => {
  const [statusPort, brokerPort] = [await freePort(), await freePort()];
  const notify = await startNotifyReceiver();
  const { dir, file } = writeConfig({
    gatewayId: 'opst',
    dataDir: 'data',
    logLevel: 'info',
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim', simDecisions: ['match'] },
    panel: { driver: 'sim' },
    line: { driver: 'sim' },
    status: { port: statusPort },
    // No real disk has 99% and 1 TiB free: the DISK_LOW warning is certain.
    ops: { diskWarnPercent: 99, diskWarnMiB: 1048576 },
  });
  const saved = { NOTIFY_SOCKET: process.env.NOTIFY_SOCKET, WATCHDOG_USEC: process.env.WATCHDOG_USEC };
  process.env.NOTIFY_SOCKET = notify.path;
  process.env.WATCHDOG_USEC = '2000000';
  const daemon = startDaemon(['demo', '--config', file, '--interval', '1', '--port', String(brokerPort)], dir);
  process.env.NOTIFY_SOCKET = saved.NOTIFY_SOCKET ?? '';
  process.env.WATCHDOG_USEC = saved.WATCHDOG_USEC ?? '';
  if (saved.NOTIFY_SOCKET === undefined) delete process.env.NOTIFY_SOCKET;
  if (saved.WATCHDOG_USEC === undefined) delete process.env.WATCHDOG_USEC;
  let ehr: mqtt.MqttClient | null = null;
  t.teardown(async () => {
    await daemon.stop('SIGKILL');
    await ehr?.endAsync(true);
    await notify.stop();
    removeDir(dir);
  });
  const fail = (e: Error) => { throw new Error(`${e.message}\n${daemon.output()}`); };

  await waitFor('READY=1', () => notify.lines().includes('READY=1'), 60000).catch(fail);
  t.ok(notify.lines().includes(`MAINPID=${daemon.child.pid}`), 'READY=1 comes from the main process');
  t.ok(notify.lines().some((l) => l.startsWith('STATUS=running')), 'a STATUS= line for systemctl status');

  ehr = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { clientId: 'ops-ehr', protocolVersion: 4 });
  const checkins: Json[] = [];
  const statuses: Json[] = [];
  ehr.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as Json;
    if (topic === 'oqs/opst/checkins') checkins.push(body);
    if (topic === 'oqs/opst/status') statuses.push(body);
  });
  await ehr.subscribeAsync('oqs/opst/#', { qos: 1 });
  const people = () => checkins.flatMap((c) => (c.eligibility as { results?: Person[] } | null)?.results ?? []);
  await waitFor('three check-ins with patient data', () => people().length >= 3, 60000).catch(fail);
  await waitFor('watchdog pings', () => notify.lines().filter((l) => l === 'WATCHDOG=1').length >= 2, 20000).catch(fail);

  const base = `http://127.0.0.1:${statusPort}`;
  const healthz = await fetch(`${base}/healthz`);
  t.equal(healthz.status, 200);
  t.equal(((await healthz.json()) as Json).ok, true);
  const readyz = await fetch(`${base}/readyz`);
  t.equal(readyz.status, 200, '/readyz: all devices up');
  t.same(await readyz.json(), { ready: true, reasons: [] });

  const statusText = await (await fetch(`${base}/status`)).text();
  const status = JSON.parse(statusText) as Json & {
    devices: Record<string, { ok: boolean; detail: string }>; line: Json; broker: Json; outbox: Json;
    certificates: { role: string; notAfter: string; daysLeft: number }[]; host: Json & { disk: Json; clock: Json; memory: Json };
    warnings: { code: string; message: string; action: string }[];
  };
  t.equal(status.gatewayId, 'opst');
  t.type(status.version, 'string');
  t.ok((status.uptimeSeconds as number) >= 0);
  t.same(Object.keys(status.devices).sort(), ['card', 'face', 'panel']);
  for (const d of Object.values(status.devices)) t.same(Object.keys(d).sort(), ['detail', 'ok']);
  t.match(status.line, { driver: 'sim', ok: true, circuit: 'closed', lastError: null });
  t.match(status.line.lastSuccessAt, /^\d{4}-\d{2}-\d{2}T/, 'the line\'s last success is known');
  t.match(status.broker, { connected: true, embedded: true, host: `127.0.0.1:${brokerPort}` });
  t.type(status.outbox.depth, 'number');
  t.match(status.lastCheckinAt, /^\d{4}-\d{2}-\d{2}T/);
  t.same(status.certificates.map((c) => c.role), ['client', 'ca']);
  for (const c of status.certificates) t.ok(c.daysLeft > 0 && /^\d{4}-/.test(c.notAfter), `${c.role} certificate expiry date`);
  t.type(status.host.memory.totalBytes, 'number');
  t.type(status.host.disk.freeBytes, 'number');
  t.match(status.host.clock.sync, /^(synchronized|unsynchronized|unknown)$/);
  t.ok('cpuLoadPercent' in status.host && 'cpuTemperatureC' in status.host);
  t.ok(status.warnings.some((w) => w.code === 'DISK_LOW'), '/status carries the disk warning');

  const metricsResponse = await fetch(`${base}/metrics`);
  t.match(metricsResponse.headers.get('content-type'), /^text\/plain/);
  const metrics = await metricsResponse.text();
  t.match(metrics, /^oqsgw_checkins_total\{(?=[^}]*result="ELIGIBLE")(?=[^}]*method="face")[^}]*\} [1-9]/m, 'check-ins by result');
  t.match(metrics, /^oqsgw_checkin_duration_seconds_bucket\{(?=[^}]*le="1")(?=[^}]*result="ELIGIBLE")[^}]*\} \d+/m, 'latency histogram');
  t.match(metrics, /^oqsgw_step_duration_seconds_count\{(?=[^}]*step="querying")[^}]*\} [1-9]/m, 'eligibility line latency (the querying step)');
  t.match(metrics, /^oqsgw_outbox_depth\{gateway="opst"\} \d+/m);
  t.match(metrics, /^oqsgw_line_errors_total\{code="LINE_DOWN",gateway="opst"\} 0/m);
  t.match(metrics, /^oqsgw_line_breaker_state\{state="closed",gateway="opst"\} 1/m);
  t.match(metrics, /^oqsgw_warnings\{code="DISK_LOW",gateway="opst"\} 1/m);
  t.match(metrics, /^oqsgw_host_disk_free_bytes\{source="statfs",gateway="opst"\} \d+/m);

  t.ok(people().length >= 3, `${people().length} check-ins carried patient data on MQTT`);
  t.ok(leaks(JSON.stringify(checkins), people()).length >= 5, 'the detector finds patient data where there is some');
  t.same(leaks(statusText, people()), [], 'no patient data in /status');
  t.same(leaks(metrics, people()), [], 'no patient data in /metrics');
  t.same(leaks(await (await fetch(`${base}/readyz`)).text(), people()), [], 'none in /readyz');

  const online = statuses.filter((s) => s.state === 'online').at(-1);
  t.equal(validatePayload('status.v1', online), null, 'the retained status still matches its schema');
  t.ok((online?.warnings as { code: string }[] | undefined)?.some((w) => w.code === 'DISK_LOW'), 'the retained status carries the warning');
  t.same(leaks(JSON.stringify(statuses), people()), [], 'no patient data on the status topic');
  t.match(daemon.output(), /"code":"DISK_LOW".*disk holding/, 'the warning is logged');

  // SIGTERM as systemd sends it: STOPPING=1, offline published, exit 0 within TimeoutStopSec.
  const stoppedAt = Date.now();
  const code = await daemon.stop('SIGTERM');
  const tookMs = Date.now() - stoppedAt;
  t.equal(code, 0, 'exit code 0 on SIGTERM');
  t.ok(tookMs < unitStopTimeoutMs(), `stopped in ${tookMs} ms (TimeoutStopSec ${unitStopTimeoutMs()} ms)`);
  await waitFor('STOPPING=1', () => notify.lines().includes('STOPPING=1'), 5000).catch(fail);
  t.pass('STOPPING=1 sent');
  const last = statuses.at(-1);
  t.equal(last?.state, 'offline', 'offline published before exit');
  t.equal(validatePayload('status.v1', last), null, 'the offline status matches its schema');
  t.ok(typeof last?.time === 'string' && Date.parse(last.time) >= stoppedAt - 1000, 'a clean stop says when it stopped (unlike the Last Will)');
  t.equal(last?.since, online?.since, 'same run as the online status');
});
