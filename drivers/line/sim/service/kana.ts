// Full-width katakana to the half-width kana the national system writes in NameKana (JIS X 0201:
// voiced sounds become base + ﾞ/ﾟ). The register keeps full-width names; answers convert.
const FULL = 'ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロワヲンー・';
const HALF = ['ｧ', 'ｱ', 'ｨ', 'ｲ', 'ｩ', 'ｳ', 'ｪ', 'ｴ', 'ｫ', 'ｵ', 'ｶ', 'ｷ', 'ｸ', 'ｹ', 'ｺ', 'ｻ', 'ｼ', 'ｽ', 'ｾ', 'ｿ', 'ﾀ', 'ﾁ', 'ｯ', 'ﾂ', 'ﾃ', 'ﾄ',
  'ﾅ', 'ﾆ', 'ﾇ', 'ﾈ', 'ﾉ', 'ﾊ', 'ﾋ', 'ﾌ', 'ﾍ', 'ﾎ', 'ﾏ', 'ﾐ', 'ﾑ', 'ﾒ', 'ﾓ', 'ｬ', 'ﾔ', 'ｭ', 'ﾕ', 'ｮ', 'ﾖ', 'ﾗ', 'ﾘ', 'ﾙ', 'ﾚ', 'ﾛ',
  'ﾜ', 'ｦ', 'ﾝ', 'ｰ', '･'];
const VOICED = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
const VOICED_BASE = 'カキクケコサシスセソタチツテトハヒフヘホ';
const SEMI = 'パピプペポ';
const SEMI_BASE = 'ハヒフヘホ';

function one(c: string): string {
  if (c === '　' || c === ' ') return ' ';
  if (c === 'ヴ') return 'ｳﾞ';
  const v = VOICED.indexOf(c);
  if (v >= 0) return `${one(VOICED_BASE[v] ?? '')}ﾞ`;
  const p = SEMI.indexOf(c);
  if (p >= 0) return `${one(SEMI_BASE[p] ?? '')}ﾟ`;
  const i = FULL.indexOf(c);
  if (i < 0) throw new Error(`no half-width kana for ${JSON.stringify(c)}`);
  return HALF[i] ?? '';
}

export function halfWidthKana(fullWidth: string): string {
  return [...fullWidth].map(one).join('');
}
