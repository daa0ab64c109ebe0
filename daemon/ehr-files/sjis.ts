// Text for the official files: Windows-31J (code page 932, what the terminal's "Shift_JIS" files
// are: YUKI-ENT/OQSDrug2 QualificationFaceExporter.cs writes Encoding.GetEncoding(932)). A
// character the code page cannot hold is mapped, never dropped silently and never written as a
// '?': docs/ehr-files.md "Characters outside Shift_JIS" lists the mapping.
import iconv from 'iconv-lite';

export const FILE_ENCODING = 'cp932';

/** Unicode forms that JIS X 0208 tables and code page 932 spell differently: same character. */
const CP932_FORMS: Readonly<Record<string, string>> = {
  '\u301C': '\uFF5E', // 〜 WAVE DASH → ～ FULLWIDTH TILDE
  '\u2212': '\uFF0D', // − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
  '\u2016': '\u2225', // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
  '\u00A2': '\uFFE0', // ¢ → ￠
  '\u00A3': '\uFFE1', // £ → ￡
  '\u00AC': '\uFFE2', // ¬ → ￢
  '\u2014': '\u2015', // — EM DASH → ― HORIZONTAL BAR
};

/** Well-known variant kanji outside JIS X 0208 / code page 932 (外字 in clinic systems), by their usual form. */
const VARIANTS: Readonly<Record<string, string>> = {
  '\u{20BB7}': '吉', // 𠮷 (つちよし)
  '\u{2123D}': '土', // 𡈽
};

/** What stands in for any other character: 〓 (GETA MARK), the Japanese convention for a glyph that cannot be shown. */
export const SUBSTITUTE = '\u3013';

const encodable = new Map<string, boolean>();

function fits(ch: string): boolean {
  let known = encodable.get(ch);
  if (known === undefined) {
    known = iconv.decode(iconv.encode(ch, FILE_ENCODING), FILE_ENCODING) === ch;
    encodable.set(ch, known);
  }
  return known;
}

export interface MappedText {
  readonly text: string;
  /** Characters replaced, as code points (for the log: counts only, never the name). */
  readonly replaced: number;
}

/** The text as code page 932 can hold it: cp932 spellings, known variants, else 〓. */
export function toCp932Text(value: string): MappedText {
  let out = '';
  let replaced = 0;
  let joined = false;
  for (const ch of value) {
    // A zero-width joiner glues the next character into the one before (emoji sequences): one 〓 for all.
    if (joined) {
      joined = false;
      continue;
    }
    if (ch === '\u200D') {
      joined = true;
      continue;
    }
    if (fits(ch)) {
      out += ch;
      continue;
    }
    const mapped = CP932_FORMS[ch] ?? VARIANTS[ch];
    if (mapped && fits(mapped)) {
      out += mapped;
    } else if (/\p{Mark}|\uFE0F|\uFE0E/u.test(ch)) {
      // Combining marks, variation selectors: part of the previous character,
      // which was mapped already; nothing of their own to show.
    } else {
      out += SUBSTITUTE;
    }
    replaced++;
  }
  return { text: out, replaced };
}

export function encodeCp932(text: string): Buffer {
  return iconv.encode(text, FILE_ENCODING);
}

export function decodeCp932(bytes: Buffer): string {
  return iconv.decode(bytes, FILE_ENCODING);
}

// Full-width katakana → half-width (NameKana is half-width kana: mbot-dev/magellan3 eWatcher.js).
const HALF = 'ｧｱｨｲｩｳｪｴｫｵｶｶﾞｷｷﾞｸｸﾞｹｹﾞｺｺﾞｻｻﾞｼｼﾞｽｽﾞｾｾﾞｿｿﾞﾀﾀﾞﾁﾁﾞｯﾂﾂﾞﾃﾃﾞﾄﾄﾞﾅﾆﾇﾈﾉﾊﾊﾞﾊﾟﾋﾋﾞﾋﾟﾌﾌﾞﾌﾟﾍﾍﾞﾍﾟﾎﾎﾞﾎﾟﾏﾐﾑﾒﾓｬﾔｭﾕｮﾖﾗﾘﾙﾚﾛﾜﾜｲｴｦﾝｳﾞ';
const FULL_TO_HALF = new Map<string, string>();
{
  // ァ (U+30A1) .. ヴ (U+30F4) in code order; each takes one or two half-width characters above.
  let i = 0;
  for (let code = 0x30a1; code <= 0x30f4; code++) {
    const full = String.fromCodePoint(code);
    let half = HALF[i] ?? '';
    i++;
    const next = HALF[i];
    if (next === 'ﾞ' || next === 'ﾟ') {
      half += next;
      i++;
    }
    FULL_TO_HALF.set(full, half);
  }
  // ヮ ヰ ヱ have no half-width form: the nearest ones.
  FULL_TO_HALF.set('ヮ', 'ﾜ').set('ヰ', 'ｲ').set('ヱ', 'ｴ');
  for (const [full, half] of [['ー', 'ｰ'], ['・', '･'], ['。', '｡'], ['「', '｢'], ['」', '｣'], ['、', '､'], ['゛', 'ﾞ'], ['゜', 'ﾟ'], ['\u3000', ' ']] as const) {
    FULL_TO_HALF.set(full, half);
  }
}

/** Katakana (and hiragana) as half-width katakana; other characters unchanged. */
export function toHalfWidthKana(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    // Hiragana ぁ..ゔ sit 0x60 below their katakana.
    const kata = code >= 0x3041 && code <= 0x3094 ? String.fromCodePoint(code + 0x60) : ch;
    out += FULL_TO_HALF.get(kata) ?? ch;
  }
  return out;
}
