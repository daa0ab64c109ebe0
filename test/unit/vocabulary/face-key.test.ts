// 照合番号B: the public test vector, the era boundaries, dates that do not exist, and the named
// problems (soltia48/myna-card src/data.rs: verification_code_b, Date::to_era and their tests).
import t from 'tap';
import { inspect } from 'node:util';
import { ERAS, FaceKey, eraFromName, fromEraDate, toEraDate, type FaceKeyResult } from '../../../vocabulary/face-key.js';

const digits = (r: FaceKeyResult): string => {
  if (!r.ok) throw new Error(`${r.problem}: ${r.message}`);
  return r.key.bytes().toString('ascii');
};
const problem = (r: FaceKeyResult): string => (r.ok ? 'ok' : r.problem);

t.test('the public test vector: 1980-02-17 (昭和55), expiry 2035, code 2285', async (t) => {
  t.equal(digits(FaceKey.build({ birth: { year: 1980, month: 2, day: 17 }, expiryYear: 2035, securityCode: '2285' })), '55021720352285');
  t.equal(digits(FaceKey.build({ birth: { era: 'showa', eraYear: 55, month: 2, day: 17 }, expiryYear: 2035, securityCode: '2285' })), '55021720352285');
  t.equal(digits(FaceKey.parse('55021720352285')), '55021720352285');
  // The example: 昭和55年5月12日 -> 550512.
  t.equal(digits(FaceKey.build({ birth: { era: 'showa', eraYear: 55, month: 5, day: 12 }, expiryYear: 2031, securityCode: '0042' })).slice(0, 6), '550512');
});

t.test('era boundaries fall mid-year: the day decides', async (t) => {
  t.same(toEraDate({ year: 1989, month: 1, day: 7 }), { era: 'showa', eraYear: 64, month: 1, day: 7 });
  t.same(toEraDate({ year: 1989, month: 1, day: 8 }), { era: 'heisei', eraYear: 1, month: 1, day: 8 });
  t.same(toEraDate({ year: 2019, month: 4, day: 30 }), { era: 'heisei', eraYear: 31, month: 4, day: 30 });
  t.same(toEraDate({ year: 2019, month: 5, day: 1 }), { era: 'reiwa', eraYear: 1, month: 5, day: 1 });
  t.same(toEraDate({ year: 1926, month: 12, day: 25 }), { era: 'showa', eraYear: 1, month: 12, day: 25 });
  t.same(toEraDate({ year: 1926, month: 12, day: 24 }), { era: 'taisho', eraYear: 15, month: 12, day: 24 });
  t.equal(toEraDate({ year: 1867, month: 1, day: 1 }), null);
  t.equal(ERAS.length, 5);
  t.equal(eraFromName('昭和'), 'showa');
  t.equal(eraFromName('Reiwa'), 'reiwa');
  t.equal(eraFromName('西暦'), null);
});

t.test('an era date that does not exist is refused, never shifted', async (t) => {
  t.equal(fromEraDate({ era: 'heisei', eraYear: 31, month: 5, day: 1 }), null, '平成31年5月1日 is 令和元年');
  t.equal(fromEraDate({ era: 'showa', eraYear: 64, month: 1, day: 8 }), null, '昭和64年 ends on 1月7日');
  t.equal(fromEraDate({ era: 'reiwa', eraYear: 1, month: 4, day: 30 }), null, '令和 begins on 5月1日');
  t.equal(fromEraDate({ era: 'heisei', eraYear: 5, month: 2, day: 29 }), null, '1993 is not a leap year');
  t.same(fromEraDate({ era: 'heisei', eraYear: 4, month: 2, day: 29 }), { year: 1992, month: 2, day: 29 });
  t.equal(fromEraDate({ era: 'showa', eraYear: 0, month: 1, day: 1 }), null);
  const key = (birth: Parameters<typeof FaceKey.build>[0]['birth']) => problem(FaceKey.build({ birth, expiryYear: 2030, securityCode: '1234' }));
  t.equal(key({ era: 'heisei', eraYear: 31, month: 5, day: 1 }), 'BIRTH_DATE_INVALID');
  t.equal(key({ year: 2001, month: 2, day: 29 }), 'BIRTH_DATE_INVALID');
  t.equal(key({ year: 1990, month: 13, day: 1 }), 'BIRTH_DATE_INVALID');
  t.equal(key({ year: 1800, month: 1, day: 1 }), 'BIRTH_DATE_BEFORE_ERAS');
  t.equal(key({ era: 'reiwa', eraYear: 1, month: 5, day: 1 }), 'ok');
});

t.test('expiry year and security code are checked', async (t) => {
  const birth = { year: 1980, month: 2, day: 17 };
  t.equal(problem(FaceKey.build({ birth, expiryYear: 2015, securityCode: '1234' })), 'EXPIRY_YEAR_INVALID');
  t.equal(problem(FaceKey.build({ birth, expiryYear: 2100, securityCode: '1234' })), 'EXPIRY_YEAR_INVALID');
  t.equal(problem(FaceKey.build({ birth, expiryYear: 2030.5, securityCode: '1234' })), 'EXPIRY_YEAR_INVALID');
  t.equal(problem(FaceKey.build({ birth: { year: 2020, month: 1, day: 1 }, expiryYear: 2019, securityCode: '1234' })), 'EXPIRY_YEAR_INVALID');
  t.equal(problem(FaceKey.build({ birth, expiryYear: 2030, securityCode: '123' })), 'SECURITY_CODE_INVALID');
  t.equal(problem(FaceKey.build({ birth, expiryYear: 2030, securityCode: '12a4' })), 'SECURITY_CODE_INVALID');
  t.equal(problem(FaceKey.build({ birth, expiryYear: 2030, securityCode: '１２３４' })), 'SECURITY_CODE_INVALID', 'full-width digits are not ASCII digits');
});

t.test('parse: 14 ASCII digits, an era date in some era, a plausible expiry year', async (t) => {
  t.equal(problem(FaceKey.parse('5502172035228')), 'NOT_14_DIGITS');
  t.equal(problem(FaceKey.parse('550217203522851')), 'NOT_14_DIGITS');
  t.equal(problem(FaceKey.parse('5502172035228x')), 'NOT_14_DIGITS');
  t.equal(problem(FaceKey.parse(' 55021720352285')), 'NOT_14_DIGITS');
  t.equal(problem(FaceKey.parse('55130120352285')), 'BIRTH_DATE_INVALID', 'month 13');
  t.equal(problem(FaceKey.parse('55023020352285')), 'BIRTH_DATE_INVALID', 'February 30');
  t.equal(problem(FaceKey.parse('00010120352285')), 'BIRTH_DATE_INVALID', 'era year 0');
  t.equal(problem(FaceKey.parse('04022920352285')), 'ok', '4年2月29日 exists (平成4 = 1992)');
  t.equal(problem(FaceKey.parse('55021719992285')), 'EXPIRY_YEAR_INVALID');
});

t.test('a key never prints its digits', async (t) => {
  const r = FaceKey.parse('55021720352285');
  if (!r.ok) throw new Error('parse failed');
  for (const text of [String(r.key), JSON.stringify({ k: r.key }), inspect(r.key), `${r.key}`]) t.notMatch(text, /5502/);
  t.equal(r.key.birthPart, '550217');
  const again = FaceKey.parse('55021720352285');
  t.ok(again.ok && again.key.equals(r.key));
  const copy = r.key.bytes();
  copy.fill(0);
  t.equal(r.key.bytes().toString('ascii'), '55021720352285', 'bytes() hands out a copy');
});
