// `oqsgw doctor`: all OK on a healthy set-up (simulated devices, a real mosquitto, the line over
// real mutual TLS), and each part broken in turn gives that check's WARN/FAIL with a fix, and the
// exit code of the worst result. The CLI is run as a child for the output and exit codes; the
// other cases call the same checks in-process (each CLI start costs seconds).
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import mqtt from 'mqtt';
import { ConfigSchema, type GatewayConfig } from '../../../../config/schema.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { checkCamera, checkCard, checkFaceMatch, checkPanel } from '../../../../daemon/ops/doctor/device-checks.js';
import { checkBroker, checkClock, checkDisk } from '../../../../daemon/ops/doctor/host-checks.js';
import { checkLine, lineClockSkew, lineEndpoint } from '../../../../daemon/ops/doctor/line-check.js';
import { computeWarnings } from '../../../../daemon/ops/warnings.js';
import { exitCode, type CheckResult } from '../../../../daemon/ops/doctor/result.js';
import { runDoctor } from '../../../../daemon/ops/doctor/run.js';
import { EligibilityService } from '../../../../drivers/line/sim/service/server.js';
import { writeConfig } from '../../../helpers/daemon.js';
import { pkiDir } from '../../../helpers/line-harness.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { issueClientCert } from '../../../helpers/ops-pki.js';
import { freePort, waitFor } from '../../../helpers/ports.js';
import { validatePayload } from '../../../../daemon/mqtt/schemas.js';

const DAY = 86400000;

function doctor(file: string, json: boolean): Promise<{ code: number; out: string }> {
  const args = ['--import', import.meta.resolve('tsx'), fromRoot('daemon/cli/main.ts'), 'doctor', '--config', file, ...(json ? ['--json'] : [])];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out: stdout + stderr });
    });
  });
}

/** A healthy, all-simulated set-up against a real broker; tests override one part at a time. */
function healthy(brokerUrl: string, dataDir: string): Record<string, unknown> {
  return {
    gatewayId: 'doc',
    dataDir,
    mqtt: { url: brokerUrl },
    card: { driver: 'sim', pkiDir: fromRoot('var/pki') },
    face: { driver: 'sim' },
    panel: { driver: 'sim' },
    line: { driver: 'sim' },
    // The test must not depend on how full the CI disk is.
    ops: { diskWarnPercent: 1, diskWarnMiB: 1 },
  };
}

const parse = (raw: Record<string, unknown>): GatewayConfig => Value.Default(ConfigSchema, structuredClone(raw)) as GatewayConfig;
const byCheck = (results: readonly CheckResult[]) => Object.fromEntries(results.map((r) => [r.check, r.level]));

t.test('doctor', async (t) => {
  const broker = await startMosquitto();
  const dir = await pkiDir();
  const service = new EligibilityService({ pkiDir: dir, households: 50 }, silentLogger);
  await service.start();
  const { dir: scratch, file } = writeConfig(healthy(broker.url, 'data'));
  t.teardown(async () => {
    await service.stop();
    await broker.stop();
    removeDir(broker.dir);
    removeDir(scratch);
  });
  const https = (cert: string, key: string, port = service.port) => ({
    driver: 'https', url: `https://localhost:${port}`, ca: join(dir, 'service', 'ca.pem'), cert, key, connectTimeoutMs: 2000, timeoutMs: 3000,
  });
  const clinic = { cert: join(dir, 'clinic', 'client.pem'), key: join(dir, 'clinic', 'client.key') };

  t.test('healthy: every check OK, exit 0, one line each with its verdict', async (t) => {
    const { code, out } = await doctor(file, false);
    for (const check of ['card', 'camera', 'panel', 'line', 'broker', 'disk']) t.match(out, new RegExp(`^OK\\s+${check}\\s+\\S`, 'm'), `${check} OK`);
    t.match(out, /request topics subscribed, a probe published/);
    // A test machine whose NTP says "not synchronized" is rightly a warning; nothing else may be.
    const clockWarned = /^WARN clock .*not synchronized/m.test(out);
    t.match(out, clockWarned ? /^WARN clock/m : /^OK\s+clock\s+NTP \w+; clock \d+ s from the eligibility service/m, 'clock checked against the service');
    t.equal(code, clockWarned ? 1 : 0, out);
    t.match(out, clockWarned ? /^doctor: WARN/m : /^doctor: OK/m);
  });

  t.test('broker down: FAIL with what to do, exit 2 (JSON)', async (t) => {
    const closed = `mqtt://127.0.0.1:${await freePort()}`;
    const { file: downFile } = writeConfig({ ...healthy(closed, 'data'), gatewayId: 'doc2' }, mkdtempSync(join(scratch, 'down-')));
    const { code, out } = await doctor(downFile, true);
    t.equal(code, 2, out);
    const report = JSON.parse(out) as { worst: string; checks: CheckResult[] };
    t.equal(report.worst, 'FAIL');
    const { clock, ...rest } = byCheck(report.checks);
    t.same(rest, { card: 'OK', camera: 'OK', 'face match': 'OK', panel: 'OK', line: 'OK', broker: 'FAIL', disk: 'OK' });
    t.ok(clock, 'the clock is still checked');
    t.match(report.checks.find((c) => c.check === 'broker')?.fix, /broker/);
  });

  t.test('a config that does not load is a FAIL naming the key', async (t) => {
    const { file: bad } = writeConfig({ gatewayId: 'doc', card: { driver: 'floppy' } }, mkdtempSync(join(scratch, 'bad-')));
    const { code, out } = await doctor(bad, false);
    t.equal(code, 2);
    t.match(out, /^FAIL config .*card\.driver/m);
  });

  t.test('line over https: healthy, down, expired and expiring client certificates', async (t) => {
    const base = healthy(broker.url, join(scratch, 'data'));
    const ok = await checkLine(parse({ ...base, line: https(clinic.cert, clinic.key) }));
    t.equal(ok.result.level, 'OK', ok.result.detail);
    t.match(ok.result.detail, /mutual TLS handshake/);
    t.ok(ok.skewSeconds !== null && Math.abs(ok.skewSeconds) < 5, 'clock skew measured against the service');
    t.equal((await checkClock(parse(base), ok.skewSeconds)).level, 'OK');

    const down = await checkLine(parse({ ...base, line: https(clinic.cert, clinic.key, await freePort()) }));
    t.equal(down.result.level, 'FAIL');
    t.match(down.result.detail, /ECONNREFUSED/);
    t.match(down.result.fix, /line\.url/);

    const now = Date.now();
    const expired = issueClientCert(dir, new Date(now - 400 * DAY), new Date(now - DAY));
    const soon = issueClientCert(dir, new Date(now - DAY), new Date(now + 10 * DAY));
    t.teardown(() => { removeDir(expired.dir); removeDir(soon.dir); });
    const dead = await checkLine(parse({ ...base, line: https(expired.cert, expired.key) }));
    t.equal(dead.result.level, 'FAIL');
    t.match(dead.result.detail, /client certificate .* expired on/);
    t.match(dead.result.fix, /renew/i);
    const warned = await checkLine(parse({ ...base, line: https(soon.cert, soon.key) }));
    t.equal(warned.result.level, 'WARN', warned.result.detail);
    t.match(warned.result.detail, /expires on .* \(in (9|10) days\)/);
    t.equal(exitCode([ok.result, warned.result]), 1, 'a warning alone exits 1');

    const rogue = await checkLine(parse({ ...base, line: https(join(dir, 'rogue', 'client.pem'), join(dir, 'rogue', 'client.key')) }));
    t.equal(rogue.result.level, 'FAIL', 'a client certificate the service does not accept');
  });

  t.test('a service whose clock differs by 5 minutes: CLOCK_SKEW from doctor and from the running check', async (t) => {
    const server = createServer({
      cert: readFileSync(join(dir, 'service', 'server.pem')), key: readFileSync(join(dir, 'service', 'server.key')),
      ca: readFileSync(join(dir, 'clinic', 'ca.pem')), requestCert: true, rejectUnauthorized: true,
    }, (_req, res) => {
      res.setHeader('date', new Date(Date.now() - 300000).toUTCString());
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const config = parse({ ...healthy(broker.url, join(scratch, 'data')), line: https(clinic.cert, clinic.key, port) });
    const line = await checkLine(config);
    t.equal(line.result.level, 'OK', line.result.detail);
    t.ok(line.skewSeconds !== null && line.skewSeconds > 290 && line.skewSeconds < 310, `skew ${line.skewSeconds} s`);
    const clock = await checkClock(config, line.skewSeconds, 'synchronized');
    t.equal(clock.level, 'WARN');
    t.match(clock.detail, /ahead of the eligibility service/);
    const endpoint = lineEndpoint(config, null);
    const skew = endpoint ? await lineClockSkew(endpoint.url, endpoint.tls, 3000) : null;
    const warnings = computeWarnings({ certs: [], disk: null, clock: 'synchronized', skewSeconds: skew }, config.ops);
    t.same(warnings.map((w) => w.code), ['CLOCK_SKEW'], 'the running gateway\'s periodic check warns too');
  });

  t.test('face match: available or not with the configured parts, and why (issue 13)', async (t) => {
    t.equal(checkFaceMatch(parse({ card: { driver: 'sim' } })).level, 'OK', 'the simulated card opens its own photo');
    const none = checkFaceMatch(parse({ card: { driver: 'pcsc' } }));
    t.equal(none.level, 'WARN');
    t.match(none.detail, /card\.front\.source is none/);
    t.match(none.fix, /card\.front\.source: v4l2/);
    const noCamera = checkFaceMatch(parse({ card: { driver: 'pcsc', front: { source: 'v4l2', device: '/nonexistent/video8' } } }));
    t.equal(noCamera.level, 'WARN');
    t.match(noCamera.detail, /\/nonexistent\/video8 does not exist/);
    const noModel = checkFaceMatch(parse({ card: { driver: 'pcsc', front: { source: 'files', files: [file], tessdataDir: '/nonexistent/tessdata' } } }));
    t.match(noModel.detail, /tesseract-ocr-jpn/);
    const ready = checkFaceMatch(parse({ card: { driver: 'pcsc', front: { source: 'files', files: [file] } }, face: { driver: 'sim' } }));
    t.equal(ready.level, existsSync('/usr/share/tesseract-ocr/5/tessdata/jpn.traineddata') ? 'OK' : 'WARN');
    t.equal(checkFaceMatch(parse({ card: { driver: 'pcsc' }, flow: { identityMethods: ['pin'] } })).level, 'OK', 'not offered: nothing to warn about');
  });

  t.test('hardware: pcscd missing, camera and serial panel missing', async (t) => {
    const card = await checkCard(parse({ card: { driver: 'pcsc' } }), '/nonexistent/pcscd.comm');
    t.equal(card.level, 'FAIL');
    t.match(card.detail, /pcscd is not running/);
    t.match(card.fix, /pcscd/);
    const camera = checkCamera(parse({ face: { driver: 'camera', device: '/nonexistent/video9' } }));
    t.equal(camera.level, 'FAIL');
    t.match(camera.detail, /camera \/nonexistent\/video9 not found/);
    const panel = checkPanel(parse({ panel: { driver: 'serial', path: '/nonexistent/ttyUSB9' } }));
    t.equal(panel.level, 'FAIL');
    t.match(panel.fix, /USB cable/);
    const notDevice = checkPanel(parse({ panel: { driver: 'serial', path: file } }));
    t.equal(notDevice.level, 'FAIL', 'a regular file is not a serial port');
  });

  t.test('disk and clock thresholds', async (t) => {
    t.equal(checkDisk(parse({ dataDir: scratch, ops: { diskWarnPercent: 1, diskWarnMiB: 1 } })).level, 'OK');
    const full = checkDisk(parse({ dataDir: scratch, ops: { diskWarnPercent: 99, diskWarnMiB: 1048576 } }));
    t.equal(full.level, 'WARN', full.detail);
    t.match(full.detail, /MiB \(.*%\) free/);
    const skewed = await checkClock(parse({}), 300, 'synchronized');
    t.equal(skewed.level, 'WARN');
    t.match(skewed.detail, /300 s ahead/);
    t.equal((await checkClock(parse({}), null, 'unsynchronized')).level, 'WARN');
    t.equal((await checkClock(parse({}), null, 'unknown')).level, 'WARN', 'nothing known about the clock is worth a look');
    t.equal((await checkClock(parse({}), 1, 'synchronized')).level, 'OK');
  });

  t.test('broker: no URL is a warning; a refused subscription or a wrong port a failure', async (t) => {
    t.equal((await checkBroker(parse({}))).level, 'WARN');
    const refused = await checkBroker(parse({ mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` } }), 2000);
    t.equal(refused.level, 'FAIL');
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    t.teardown(() => watcher.endAsync(true));
    const seen: { topic: string; body: unknown }[] = [];
    watcher.on('message', (topic, payload) => seen.push({ topic, body: JSON.parse(payload.toString('utf8')) as unknown }));
    await watcher.subscribeAsync('oqs/#', { qos: 1 });
    t.equal((await checkBroker(parse({ mqtt: { url: broker.url } }))).level, 'OK');
    const probe = await waitFor('the doctor probe', () => seen.find((m) => m.topic.endsWith('/replies/oqsgw-doctor')));
    t.equal(validatePayload('doctor.v1', probe.body), null, 'the probe is the documented JSON payload (issue 17 item 2)');
    t.same(seen.filter((m) => !m.topic.endsWith('/replies/oqsgw-doctor')), [], 'and the only thing doctor publishes');
  });

  t.test('broker with mqtt.urls (issue 18): each node probed; one down is a warning naming it, all down a failure', async (t) => {
    const down = `mqtt://127.0.0.1:${await freePort()}`;
    const both = await checkBroker(parse({ mqtt: { urls: [broker.url, broker.url.replace('127.0.0.1', 'localhost')] } }));
    t.equal(both.level, 'OK', both.detail);
    t.match(both.detail, /^node 1 OK: 127\.0\.0\.1:\d+: connected.*; node 2 OK: localhost:\d+: connected/);
    const one = await checkBroker(parse({ mqtt: { urls: [down, broker.url] } }), 2000);
    t.equal(one.level, 'WARN', 'the gateway fails over: a warning');
    t.match(one.detail, new RegExp(`^node 1 FAIL: ${down.slice('mqtt://'.length).replace(/\./g, '\\.')}: connect: .*; node 2 OK: `));
    t.equal((await checkBroker(parse({ mqtt: { urls: [down, `mqtt://127.0.0.1:${await freePort()}`] } }), 2000)).level, 'FAIL', 'no node answers');
    const both2 = await checkBroker(parse({ mqtt: { url: broker.url, urls: [broker.url] } }));
    t.equal(both2.level, 'FAIL');
    t.match(both2.detail, /mqtt\.url and mqtt\.urls are both set/);
  });

  t.test('runDoctor reports every check in order', async (t) => {
    const results = await runDoctor(parse({ ...healthy(broker.url, join(scratch, 'data')), panel: { driver: 'serial', path: '/nonexistent/tty' } }));
    t.same(results.map((r) => r.check), ['card', 'camera', 'face match', 'panel', 'line', 'broker', 'disk', 'clock']);
    t.equal(exitCode(results), 2);
  });
});
