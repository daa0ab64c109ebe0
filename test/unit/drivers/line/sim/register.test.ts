import t from 'tap';
import { insurerCheckDigit, isValidInsurerNumber, withCheckDigit } from '../../../../../drivers/line/sim/service/insurer-number.js';
import { generateRegister } from '../../../../../drivers/line/sim/service/register.js';
import { NAMED_PEOPLE } from '../../../../../drivers/line/sim/service/named-people.js';

t.test('check digits of public insurer numbers', async (t) => {
  // 協会けんぽ東京支部, 千葉県警察共済 (MHLW 保険者番号設定要領 worked example), 千代田区国保.
  for (const n of ['01130012', '33120015', '131011']) t.ok(isValidInsurerNumber(n), n);
  t.equal(insurerCheckDigit('3312001'), 5);
  t.notOk(isValidInsurerNumber('01130013'), 'one digit off is refused');
  t.notOk(isValidInsurerNumber('0113001'), '7 digits is refused');
  t.equal(withCheckDigit('27100'), '271007'); // 0·2 + 0·1 + 1·2 + 7·1 + 2·2 = 13 -> 7
  t.throws(() => insurerCheckDigit('12a'));
});

t.test('the register is deterministic, varied and valid', async (t) => {
  const a = generateRegister({ seed: 's1', households: 400 });
  const b = generateRegister({ seed: 's1', households: 400 });
  const c = generateRegister({ seed: 's2', households: 400 });
  t.same(a.entries, b.entries, 'same seed, same people');
  t.not(JSON.stringify(a.entries.slice(NAMED_PEOPLE.length, NAMED_PEOPLE.length + 20)), JSON.stringify(c.entries.slice(NAMED_PEOPLE.length, NAMED_PEOPLE.length + 20)), 'another seed, other people');
  t.ok(a.entries.length > 800, `${a.entries.length} people`);
  const bad = a.entries.filter((e) => !isValidInsurerNumber(e.person.insurance.insurerNumber));
  t.same(bad.map((e) => e.id), [], 'every insurer number has a valid check digit');
  const kinds = new Set(a.entries.map((e) => `${e.qualification}`));
  t.same([...kinds].sort(), ['expired', 'lost', 'valid']);
  t.ok(a.entries.some((e) => e.person.personFamily === 'family'), 'family members');
  t.ok(a.entries.some((e) => e.person.limitCertificate), 'limit certificates');
  t.ok(a.entries.some((e) => e.person.specificDiseases.length > 0), 'specific-disease certificates');
  t.ok(a.entries.some((e) => e.person.elderlyCopayRatio !== null), 'elderly recipients');
  t.ok(a.entries.some((e) => !e.cardRegistered), 'cards not registered for insurance use');
  t.ok(a.entries.every((e) => /[\u4e00-\u9fff]/.test(e.person.name) && /^[\u30a0-\u30ff\u3000]+$/.test(e.person.nameKana)), 'kanji names, katakana readings');
  t.ok(a.entries.every((e) => /^[0-9]{3}-[0-9]{4}$/.test(e.person.postcode)));
  const keys = new Set(a.entries.map((e) => JSON.stringify(e.person.insurance)));
  t.equal(keys.size, a.entries.length, 'insurance numbers are unique');
  for (const e of a.entries.slice(0, 50)) t.equal(a.byNumber(e.person.insurance)?.id, e.id);
  t.equal(a.byId('yamada-taro')?.person.name, '山田　太郎');
});

t.test('family members share the insured person\'s number with their own branch', async (t) => {
  const r = generateRegister({ seed: 'families', households: 300 });
  const family = r.entries.filter((e) => e.person.personFamily === 'family');
  t.ok(family.length > 0);
  for (const f of family.slice(0, 30)) {
    const self = r.byNumber({ ...f.person.insurance, branch: '00' });
    t.ok(self, `${f.id} has an insured person`);
    t.equal(self?.household, f.household);
    t.not(f.person.insurance.branch, '00');
  }
});
