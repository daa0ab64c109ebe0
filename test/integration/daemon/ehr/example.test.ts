// examples/ehr-client.ts works as documented: an inquiry over MQTT 5 (mosquitto) and over 3.1.1
// (the embedded broker), a batch to its summary, and the listener printing each check-in once.
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckinOutcome } from '../../../../daemon/flow/checkin-event.js';
import { fromRoot } from '../../../../vocabulary/paths.js';
import { startTestGateway } from '../../../helpers/ehr-gateway.js';
import { fakeResult } from '../../../helpers/flow-fakes.js';
import { removeDir, startMosquitto } from '../../../helpers/mosquitto.js';
import { waitFor } from '../../../helpers/ports.js';

interface Line {
  desk?: string; kind: string; body: Record<string, unknown> }

function example(args: string[]) {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fromRoot('examples/ehr-client.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const parts = out.split('\n');
    out = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Line);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => err };
}

const YAMADA = '01130012,1010,2345,00,1980-05-12';
const outcome: CheckinOutcome = { code: 'ELIGIBLE', method: 'face', face: { decision: 'match', score: 0.9, threshold: 0.5 }, consents: {}, eligibility: fakeResult('valid') };

t.test('the example EHR client against mosquitto (MQTT 5)', async (t) => {
  const broker = await startMosquitto();
  t.teardown(async () => { await broker.stop(); removeDir(broker.dir); });
  const gw = await startTestGateway(t, { url: broker.url });
  await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
  await waitFor('the gateway subscribed to the request topics', () => gw.ehr.subscribed);
  const common = ['--url', broker.url, '--gateway', 'ehrt'];

  const listener = example([...common, '--client-id', 'example-listener']);
  t.teardown(() => { listener.child.kill('SIGKILL'); });
  const inquiry = example([...common, '--inquire', YAMADA]);
  t.equal(await inquiry.exited, 0, inquiry.stderr());
  t.match(inquiry.lines, [{ kind: 'oqs.inquiry-response.v2', body: { code: 'ELIGIBLE' } }]);
  t.match(inquiry.lines, [{ desk: '1 有効: 山田　太郎 01130012/2345' }], 'the desk line: validity code and label, the person');
  const tanaka = '01230010,5201,77,00,1990-02-14';
  const newer = example([...common, '--inquire', tanaka]);
  t.equal(await newer.exited, 0, newer.stderr());
  t.match(newer.lines, [{ body: { code: 'NEWER_INSURANCE' }, desk: /^3 無効（新しい資格あり）/ }]);
  const dated = example([...common, '--inquire', tanaka, '--visit-date', '2025-09-01']);
  t.equal(await dated.exited, 0, dated.stderr());
  t.match(dated.lines, [{ body: { code: 'ELIGIBLE', result: { qualificationConfirmationDate: '2025-09-01' } } }], '--visit-date reaches the line');

  const file = join(gw.dir, 'patients.json');
  writeFileSync(file, JSON.stringify([{ ref: 'a', ...Object.fromEntries(['insurerNumber', 'symbol', 'number', 'branch', 'birthDate'].map((k, i) => [k, YAMADA.split(',')[i]])) }]));
  const batch = example([...common, '--batch', file]);
  t.equal(await batch.exited, 0, batch.stderr());
  t.same(batch.lines.map((l) => l.kind), ['oqs.batch-accepted.v1', 'oqs.batch-item.v2', 'oqs.batch-summary.v1']);

  await waitFor('listener subscribed', () => listener.lines.some((l) => l.kind === 'status'), 20000);
  const event = await gw.gateway.commitCheckin(outcome, Date.now());
  const printed = await waitFor('the listener printed the check-in', () => listener.lines.find((l) => l.kind === 'checkins' && l.body.eventId === event.eventId), 20000);
  t.match(printed.body, { result: { code: 'ELIGIBLE' } });
});

t.test('the example EHR client over MQTT 3.1.1 (embedded broker)', async (t) => {
  const gw = await startTestGateway(t, { url: '', embeddedPort: 0, embeddedBroker: 'aedes' });
  await waitFor('gateway connected', () => gw.gateway.mqtt.connected);
  await waitFor('the gateway subscribed to the request topics', () => gw.ehr.subscribed);
  const inquiry = example(['--url', gw.gateway.broker?.url ?? '', '--gateway', 'ehrt', '--v311', '--inquire', YAMADA]);
  t.equal(await inquiry.exited, 0, inquiry.stderr());
  t.match(inquiry.lines, [{ kind: 'oqs.inquiry-response.v2', body: { code: 'ELIGIBLE' } }]);
  const bad = example(['--url', gw.gateway.broker?.url ?? '', '--gateway', 'ehrt', '--v311', '--inquire', '0113001,1010,2345,00,1980-05-12']);
  t.equal(await bad.exited, 0);
  t.match(bad.lines, [{ kind: 'oqs.error.v1', body: { errors: [{ field: '/insurerNumber' }] } }]);
});
