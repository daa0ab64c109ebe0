// The card-front fields: parsing OCR text and every check that stands between a misread and a
// VERIFY that would burn one of the card's tries.
import t from 'tap';
import { checkFront, parseFront, type FrontFields } from '../../../../drivers/card/front/front-fields.js';

const today = new Date('2026-11-29T00:00:00Z');
const check = (birth: string, expiry: string, code: string): string => {
  const r = checkFront(parseFront(birth, expiry, code), today);
  return r.ok ? r.key.bytes().toString('ascii') : r.why;
};

t.test('the example of the issue and the card-tested vector', async (t) => {
  t.equal(check('昭和55年 5月12日生', '2035年 5月12日まで有効', '2285'), '55051220352285');
  // soltia48/myna-card (tested on a card): 1980-02-17, expiry 2035, code 2285.
  t.equal(check('昭和55年2月17日生', '2035年2月17日まで有効', '2285'), '55021720352285');
  t.equal(check('令和元年5月1日生', '2029年5月1日まで有効', '0042'), '01050120290042', '元年 is era year 01');
  t.equal(check('大正15年12月24日生', '2030年12月24日まで有効', '9999'), '15122420309999');
  t.equal(check('平成 2年 6月 3日生  性別 男', '2034年 6月 3日まで有効', ' 7137 '), '02060320347137', 'spaces and the 性別 column are ignored');
  t.equal(check('平成2年6月3日生', '2034和6月3日まで有効', '7137'), '02060320347137', '年 read as 和 is forgiven');
  // A separator lost or misread between whole numbers changes no digit (the day is cross-checked).
  t.equal(check('平成2年6月13生', '2034生6月13まで有効', '7137'), '02061320347137', '日 lost before 生 / まで, 年 read as 生');
  t.equal(check('平成2年6月131生', '2034年6月13日まで有効', '7137'), 'BIRTH_NOT_READ', 'but never a third digit');
  // Seeds 102, 172, 349, 416, 432, 498 of the 500: 月 read as 有 (its right half) between
  // two numbers, on either line; seed 441: 年 read as 生 on the birth line.
  t.equal(check('平成17年10有31日生', '2036年10月31日まで有効', '8126'), '17103120368126', '月 read as 有 on the birth line');
  t.equal(check('令和4年6月18日生', '2030年6有18まで有効', '9065'), '04061820309065', '月 read as 有 and 日 lost on the expiry line');
  t.equal(check('平成26生2月13日生', '2029年2月13日まで有効', '8038'), '26021320298038', '年 read as 生 on the birth line');
  t.equal(check('平成17年10有有31日生', '2036年10月31日まで有効', '8126'), 'BIRTH_NOT_READ', 'one separator, not two');
  t.equal(check('平成17年1有031日生', '2036年10月31日まで有効', '8126'), 'BIRTH_NOT_READ', 'a 有 is not moved: 1 and 031 are no month and day');
});

t.test('nothing is guessed: a field not read whole is absent', async (t) => {
  t.equal(check('平成10年月17日生', '2035年4月17日まで有効', '4242'), 'BIRTH_NOT_READ');
  t.equal(check('成10年4月17日生', '2035年4月17日まで有効', '4242'), 'BIRTH_NOT_READ');
  t.equal(check('平成10年4月17日生', '203年4月17日まで有効', '4242'), 'EXPIRY_NOT_READ');
  t.equal(check('平成10年4月17日生', '2035年4月17日まで有効', '424'), 'CODE_NOT_READ');
  t.equal(check('平成10年4月17日生', '2035年4月17日まで有効', '42421'), 'CODE_NOT_READ');
  t.equal(check('平成10年4月17日生', '2035年4月17日まで有効', '42 42 1'), 'CODE_NOT_READ');
  t.same(parseFront('', '', ''), {} satisfies FrontFields);
});

t.test('the era date must exist', async (t) => {
  t.equal(check('平成31年5月1日生', '2029年5月1日まで有効', '1234'), 'BIRTH_DATE_INVALID', 'that day is 令和元年');
  t.equal(check('昭和64年1月8日生', '2029年1月8日まで有効', '1234'), 'BIRTH_DATE_INVALID', '昭和64年 ends on 1月7日');
  t.equal(check('昭和64年1月7日生', '2029年1月7日まで有効', '1234'), '64010720291234');
  t.equal(check('平成3年2月29日生', '2029年2月29日まで有効', '1234'), 'BIRTH_DATE_INVALID', '1991 is not a leap year');
  t.equal(check('令和8年12月30日生', '2031年12月30日まで有効', '1234'), 'BIRTH_DATE_INVALID', 'born after today');
  t.equal(check('大正元年7月29日生', '2030年7月29日まで有効', '1234'), 'BIRTH_DATE_INVALID', 'before 大正 began');
});

t.test('a first year read as a digit, or a leading zero, is a lost or invented digit', async (t) => {
  // Seed 291 of the generator: 平成11年 read as 平成1年, a date that exists and passes every other check.
  t.equal(check('平成1年3月16日生', '2032年3月16日まで有効', '7054'), 'BIRTH_YEAR_DOUBTFUL');
  t.equal(check('平成01年3月16日生', '2032年3月16日まで有効', '7054'), 'BIRTH_YEAR_DOUBTFUL');
  t.equal(check('昭和05年3月16日生', '2032年3月16日まで有効', '7054'), 'BIRTH_YEAR_DOUBTFUL');
  t.equal(check('平成元年3月16日生', '2032年3月16日まで有効', '7054'), '01031620327054', 'the first year as printed');
  t.equal(check('平成11年3月16日生', '2032年3月16日まで有効', '7054'), '11031620327054');
  t.equal(check('平成10年3月16日生', '2032年3月16日まで有効', '7054'), '10031620327054', 'a 1 that is not alone is fine');
});

t.test('the expiry is a birthday within a possible validity', async (t) => {
  t.equal(check('昭和55年5月12日生', '2035年5月13日まで有効', '2285'), 'EXPIRY_NOT_BIRTHDAY');
  t.equal(check('昭和55年5月12日生', '2035年6月12日まで有効', '2285'), 'EXPIRY_NOT_BIRTHDAY');
  t.equal(check('平成4年2月29日生', '2031年2月28日まで有効', '1234'), '04022920311234', 'a 29 February birthday ends on 28 February in a common year');
  t.equal(check('平成4年2月29日生', '2032年2月28日まで有効', '1234'), 'EXPIRY_NOT_BIRTHDAY', '2032 has a 29 February');
  t.equal(check('昭和55年5月12日生', '2020年5月12日まで有効', '2285'), 'EXPIRY_OUT_OF_RANGE', 'no card expired before 2021');
  t.equal(check('昭和55年5月12日生', '2038年5月12日まで有効', '2285'), 'EXPIRY_OUT_OF_RANGE', 'more than 11 years ahead');
  t.equal(check('令和4年5月12日生', '2026年5月12日まで有効', '2285'), 'EXPIRY_OUT_OF_RANGE', 'less than 5 years after birth');
});
