// Text for the official files: what code page 932 holds passes unchanged; cp932 spellings of the
// same character, known variant kanji (外字) and everything else (emoji) are mapped as
// docs/ehr-files.md documents; kana become half-width as NameKana requires.
import t from 'tap';
import iconv from 'iconv-lite';
import { encodeCp932, SUBSTITUTE, toCp932Text, toHalfWidthKana } from '../../../../daemon/ehr-files/sjis.js';

t.test('characters code page 932 holds pass unchanged, including its NEC/IBM extensions', async (t) => {
  for (const s of ['山田　太郎', '髙橋', '﨑', '①', 'ｱｲｳ', 'ABC-123', '～']) t.same(toCp932Text(s), { text: s, replaced: 0 }, s);
});

t.test('mapped: cp932 spellings, variant kanji, then 〓 for the rest', async (t) => {
  t.same(toCp932Text('〜'), { text: '～', replaced: 1 }, 'WAVE DASH → FULLWIDTH TILDE');
  t.same(toCp932Text('−'), { text: '－', replaced: 1 }, 'MINUS SIGN → FULLWIDTH HYPHEN-MINUS');
  t.same(toCp932Text('𠮷田'), { text: '吉田', replaced: 1 }, 'つちよし → 吉');
  t.same(toCp932Text('花子😀'), { text: `花子${SUBSTITUTE}`, replaced: 1 }, 'emoji → 〓');
  t.same(toCp932Text('👨‍👩‍👧'), { text: SUBSTITUTE, replaced: 1 }, 'one 〓 for a joined emoji sequence');
  t.same(toCp932Text('❤️'), { text: SUBSTITUTE, replaced: 2 }, 'a variation selector adds nothing');
  t.same(toCp932Text('Ω̈'), { text: 'Ω', replaced: 1 }, 'a combining mark is dropped with a count');
  // Every mapped text really encodes without a '?' substitution.
  for (const s of ['𠮷田😀〜', '\u{29E3D}鮭']) {
    const { text } = toCp932Text(s);
    t.equal(iconv.decode(encodeCp932(text), 'cp932'), text, `${s} round-trips after mapping`);
  }
});

t.test('kana to half-width', async (t) => {
  t.equal(toHalfWidthKana('ヤマダ　タロウ'), 'ﾔﾏﾀﾞ ﾀﾛｳ');
  t.equal(toHalfWidthKana('パピプペポ ヴ ヲ ー'), 'ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ ｳﾞ ｦ ｰ');
  t.equal(toHalfWidthKana('やまだ'), 'ﾔﾏﾀﾞ', 'hiragana too');
  t.equal(toHalfWidthKana('ｷｮｳｺ ABC'), 'ｷｮｳｺ ABC', 'already half-width and latin unchanged');
});
