// Issue 13 end to end through real pcscd + vpcd: a virtual card whose front (generated from the
// same made-up holder data as the card's profile: birth date, expiry, security code) is in the
// frame source reaches a face match with no PIN, the chip photo opened with the key read off the
// front by the real reader (OpenCV + tesseract); a front that shows no card falls back to the PIN,
// with the reason on the panel and the event. The PC/SC driver here knows no 照合番号B of its own.
// Run under `flock /tmp/oqs-pcsc.lock` (one pcscd per machine).
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../../config/load.js';
import { runCheckin } from '../../../../daemon/flow/checkin-flow.js';
import { buildCheckinEvent, type CheckinEvent } from '../../../../daemon/flow/checkin-event.js';
import { FrontKeySource } from '../../../../drivers/card/front/front-key-source.js';
import { loadFrontOpenCv } from '../../../../drivers/card/front/opencv.js';
import { generateFrontFrames, type FrontCardSpec } from '../../../../drivers/card/sim/front-generator.js';
import { cardFrontFor } from '../../../../drivers/card/sim/profiles.js';
import { SimFaceMatcher } from '../../../../drivers/face/sim/sim-face-matcher.js';
import { SimReaderPanel } from '../../../../drivers/panel/index.js';
import { silentLogger } from '../../../../vocabulary/log.js';
import type { CardSession } from '../../../../drivers/card/card-reader.js';
import { virtualCard } from '../../../helpers/card-fixtures.js';
import { FakeLine } from '../../../helpers/flow-fakes.js';
import { PcscCardRig } from '../../../helpers/pcsc-card-rig.js';
import { pcscUnavailable } from '../../../helpers/pcsc-daemon.js';

const skip = pcscUnavailable();
const config = validateConfig({});
// Mild camera damage: this test is about the path, the bench measures accuracy under full damage.
const MILD = { angle: 5, perspective: 0.02, blur: 0, glare: false, light: 1, jpegQuality: 85, finger: false, offFrame: false } as const;
const HOLDER = 'sato-hanako';

async function checkin(session: CardSession, front: FrontKeySource, script: Parameters<SimReaderPanel['script']>[0]) {
  const panel = new SimReaderPanel(config.panel);
  await panel.start();
  panel.script(script);
  let n = 0;
  const event: CheckinEvent = await runCheckin(session, {
    config: config.flow,
    panel,
    face: new SimFaceMatcher(['match'], 0.5, 5),
    line: new FakeLine('valid'),
    logger: silentLogger,
    shutdown: new AbortController().signal,
    setState: () => undefined,
    front,
    commit: async (outcome, startedAt) => buildCheckinEvent(outcome, { eventId: `e${n++}`, gatewayId: 'gw', readerId: 'r', startedAt, now: Date.now() }),
  });
  await panel.stop();
  return { event, panel };
}

t.test('card front through pcscd + vpcd', { skip: skip ?? false }, async (t) => {
  const cv = await loadFrontOpenCv();
  const dir = mkdtempSync(join(tmpdir(), 'oqs-front-pcsc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rig = new PcscCardRig();
  t.teardown(() => rig.stop());
  await rig.start();

  // What is printed on the holder's card, drawn by the generator.
  const printed = cardFrontFor(HOLDER);
  const ymd = (d: { year: number; month: number; day: number }) => [d.year, d.month, d.day] as const;
  const spec: FrontCardSpec = { name: '佐藤 花子', address: '東京都千代田区霞が関', birth: ymd(printed.birth), sex: '女', expiry: ymd(printed.expiry), code: printed.securityCode, municipality: '千代田区長' };
  const shots = generateFrontFrames(cv, 21, 3, { damage: MILD, spec });
  t.equal(shots.key, printed.faceKey.bytes().toString('ascii'), 'the generated front carries the card profile\'s key');
  const files = shots.shots.map((s, i) => {
    const file = join(dir, `front-${i}.jpg`);
    writeFileSync(file, s.jpeg);
    return file;
  });

  await t.test('the front in the frame source: face match, no PIN', async (t) => {
    const session = await rig.insert(virtualCard(HOLDER));
    rig.surfaceKey = null; // the PC/SC driver knows no key: only the front supplies it
    const front = new FrontKeySource({ ...config.card.front, source: 'files', files, timeLimitMs: 60_000 });
    t.teardown(() => front.close());
    const { event, panel } = await checkin(session, front, { identity: 'face' });
    t.equal(event.result.code, 'ELIGIBLE');
    t.equal(event.method, 'face');
    t.equal(event.faceKey, 'front-ocr', 'the photo was opened with the key read off the front');
    t.equal(event.face?.decision, 'match');
    t.notOk(panel.history.some((r) => r.kind === 'ask' && r.ask === 'pin'), 'no PIN pad');
    await rig.remove();
  });

  await t.test('no card in the pictures: the PIN, with the reason on the panel and the event', async (t) => {
    const empty = join(dir, 'empty.jpg');
    writeFileSync(empty, cv.imencode('.jpg', new cv.Mat(540, 960, cv.CV_8UC3).setTo(new cv.Vec3(128, 128, 128))));
    const session = await rig.insert(virtualCard(HOLDER));
    rig.surfaceKey = null;
    const front = new FrontKeySource({ ...config.card.front, source: 'files', files: [empty], timeLimitMs: 1000 });
    t.teardown(() => front.close());
    const { event, panel } = await checkin(session, front, { identity: 'face', pins: ['1234'] });
    t.equal(event.result.code, 'ELIGIBLE');
    t.equal(event.method, 'pin', 'the PIN after the time limit');
    t.equal(event.faceKeyFailure, 'FRONT_NOT_FOUND');
    t.ok(panel.history.some((r) => r.kind === 'screen' && r.screen.kind === 'card-front' && r.screen.guidance === 'place-flat'), 'the panel asked to place the card flat');
    t.match(panel.history.find((r) => r.kind === 'ask' && r.ask === 'pin'), { reason: 'front-unread' }, 'the PIN pad says why');
    await rig.remove();
  });
});
