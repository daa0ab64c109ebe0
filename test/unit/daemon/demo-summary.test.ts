// What the demo prints per check-in: the outcome line, and for an answered check-in the line a
// technician reads the national answer from (validity, several results, 限度額, 特定疾病, 医療扶助,
// viewing consents).
import t from 'tap';
import { describeCheckin } from '../../../daemon/demo-summary.js';
import { NAMED_PEOPLE } from '../../../drivers/line/sim/service/named-people.js';
import { checkinFor } from '../../helpers/checkin-events.js';
import { buildCheckinEvent } from '../../../daemon/flow/checkin-event.js';
import { answerFor } from '../../../drivers/line/sim/service/answers.js';

const entry = (id: string) => {
  const e = NAMED_PEOPLE.find((p) => p.id === id);
  if (!e) throw new Error(id);
  return e;
};
const answerLine = (id: string) => describeCheckin(checkinFor(entry(id))).split('\n')[1]?.trim();

t.test('answered check-ins: a second line with what the desk acts on', async (t) => {
  // The helper's patient consented to drugInfo and medicalInfo (2 of the 10 viewing consents) and 限度額.
  t.equal(answerLine('yamada-taro'), '資格有効性 1 有効 · 閲覧同意 2/10');
  t.equal(answerLine('sato-hanako'), '資格有効性 1 有効 · 限度額 A03 ウ · 閲覧同意 2/10', 'no 特定疾病 without its consent');
  const now = new Date('2026-11-29T01:02:03Z');
  const both = answerFor([entry('suzuki-ichiro'), entry('suzuki-ichiro-kokuho')], { via: 'card', now, date: '2026-11-29', consents: { limitCertificate: true }, limitConsent: false });
  const suzuki = buildCheckinEvent({ code: 'MULTIPLE_MATCHES', method: 'face', face: null, consents: { limitCertificate: true }, eligibility: both },
    { eventId: '12345678-0000-4000-8000-000000000000', gatewayId: 'g', readerId: 'r', startedAt: 0, now: 1000 });
  t.equal(describeCheckin(suzuki).split('\n')[1]?.trim(), '資格有効性 5 複数該当 · 2 results · 限度額 B09 一般Ⅱ · 閲覧同意 0/10', 'several results (its 国保 has no 限度額)');
  t.match(answerLine('tanaka-yuki'), /^資格有効性 3 無効（新しい資格あり）/);
  t.equal(answerLine('nakamura-fumiko'), '資格有効性 1 有効 · 医療扶助 医療券 2026-11, 調剤券 2026-11 · 閲覧同意 2/10');
  t.match(answerLine('kimura-shiro'), /^資格有効性 6 有効（未登録） · 医療扶助 no ticket this month/);
  const first = describeCheckin(checkinFor(entry('yamada-taro'))).split('\n')[0];
  t.match(first, /^check-in [0-9a-f]{8}: ELIGIBLE by face ﾔﾏﾀﾞ ﾀﾛｳ \(4\.0 s\) - /);
});

t.test('a check-in without an answer is one line', async (t) => {
  const event = buildCheckinEvent({ code: 'FACE_TIMEOUT', method: null, face: null, consents: {}, eligibility: null },
    { eventId: '12345678-0000-4000-8000-000000000000', gatewayId: 'g', readerId: 'r', startedAt: 0, now: 8000 });
  t.equal(describeCheckin(event).split('\n').length, 1);
  t.match(describeCheckin(event), /^check-in 12345678: FACE_TIMEOUT \(8\.0 s\)/);
});
