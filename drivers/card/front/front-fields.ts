// The three printed fields that make 照合番号B, parsed from OCR text and checked before any
// VERIFY. A misread must never burn one of the card's tries, so every check here refuses rather
// than guesses: a field that is not read whole is absent, and a key is built (by the one builder,
// vocabulary/face-key.ts) only from fields that are consistent with each other.
import { type EraDate, eraFromName, ERAS, FaceKey, fromEraDate, isCalendarDate, isLeapYear } from '../../../vocabulary/face-key.js';

export interface FrontFields {
  /** 生年月日 as printed: era, era year (元年 = 1), month, day. */
  readonly birth?: EraDate;
  /** 有効期限 (Gregorian), printed `YYYY年MM月DD日まで有効`. */
  readonly expiry?: { readonly year: number; readonly month: number; readonly day: number };
  /** セキュリティコード: exactly 4 digits. */
  readonly code?: string;
  /**
   * The era year was read as the digit 1 or with a leading zero ("平成1年", "平成01年"): the card
   * prints the first year as 元年 and no leading zero, so such a read lost or invented a digit
   * (seed 291 of the generator: 平成11年 read as 平成1年 on two frames at two sizes).
   */
  readonly birthYearDoubtful?: true;
}

/** Why a frame's fields cannot make a key (named, for the CLI, the bench and the event). */
export type FrontRefusal =
  | 'BIRTH_NOT_READ'
  | 'EXPIRY_NOT_READ'
  | 'CODE_NOT_READ'
  | 'BIRTH_DATE_INVALID'
  | 'BIRTH_YEAR_DOUBTFUL'
  | 'EXPIRY_NOT_BIRTHDAY'
  | 'EXPIRY_OUT_OF_RANGE';

export type FrontCheck = { readonly ok: true; readonly key: FaceKey } | { readonly ok: false; readonly why: FrontRefusal };

// 明治 is left out: the last Meiji birth was in 1912, and no card holder was born then.
const ERA_KANJI = ERAS.filter((e) => e.era !== 'meiji').map((e) => e.kanji).join('|');
// Separators misread as another character of the list are forgiven where nothing else could
// stand: 年 read as 和 or 生 (seed 441: 平成26生2月13日生), 月 read as 有 (its right half; seeds 102,
// 172, 349, 416, 432, 498: 10有31日, 9有16日), a 日 lost before 生 or まで. Only separators between
// whole numbers: no digit is ever guessed, and a number with a digit too many is still refused.
const YEAR_SEP = '[年和生]';
const MONTH_SEP = '[月有]';
const BIRTH_RE = new RegExp(`(${ERA_KANJI})(元|\\d{1,2})${YEAR_SEP}(\\d{1,2})${MONTH_SEP}(\\d{1,2})(?:日|(?=生))`, 'u');
const EXPIRY_RE = new RegExp(`(\\d{4})${YEAR_SEP}(\\d{1,2})${MONTH_SEP}(\\d{1,2})(?:日|(?=まで))`, 'u');

/** Parses the OCR text of the birth and expiry lines and of the code box (any may be empty). */
export function parseFront(birthText: string, expiryText: string, codeText: string): FrontFields {
  const squeeze = (s: string): string => s.normalize('NFKC').replace(/\s/gu, '');
  const fields: { -readonly [K in keyof FrontFields]: FrontFields[K] } = {};
  const b = BIRTH_RE.exec(squeeze(birthText));
  const era = b ? eraFromName(b[1] ?? '') : null;
  if (b && era) {
    fields.birth = { era, eraYear: b[2] === '元' ? 1 : Number(b[2]), month: Number(b[3]), day: Number(b[4]) };
    if (b[2] !== '元' && (b[2] === '1' || b[2]?.startsWith('0'))) fields.birthYearDoubtful = true;
  }
  const e = EXPIRY_RE.exec(squeeze(expiryText));
  if (e) fields.expiry = { year: Number(e[1]), month: Number(e[2]), day: Number(e[3]) };
  // The code box holds the code alone: anything but exactly 4 digits is "not read".
  const code = squeeze(codeText);
  if (/^\d{4}$/u.test(code)) fields.code = code;
  return fields;
}

/** Cards were first issued in January 2016; a minor's card runs to the 5th birthday after issue. */
export const FIRST_POSSIBLE_EXPIRY_YEAR = 2021;
/** A card runs to the 10th birthday after issue, and a renewal may be made up to 3 months early. */
export const MAX_EXPIRY_YEARS_AHEAD = 11;

/**
 * Checks one frame's fields and builds 照合番号B. `today` bounds the birth date (not in the future)
 * and the expiry year (2021 ≤ year ≤ today + 11, and at least 5 years after birth).
 */
export function checkFront(fields: FrontFields, today: Date): FrontCheck {
  const { birth, expiry, code } = fields;
  if (!birth) return { ok: false, why: 'BIRTH_NOT_READ' };
  if (fields.birthYearDoubtful) return { ok: false, why: 'BIRTH_YEAR_DOUBTFUL' };
  if (!expiry) return { ok: false, why: 'EXPIRY_NOT_READ' };
  if (code === undefined || !/^\d{4}$/u.test(code)) return { ok: false, why: 'CODE_NOT_READ' };
  const gregorian = fromEraDate(birth);
  const order = (y: number, m: number, d: number): number => y * 10000 + m * 100 + d;
  const now = order(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate());
  if (!gregorian || order(gregorian.year, gregorian.month, gregorian.day) > now) return { ok: false, why: 'BIRTH_DATE_INVALID' };
  // A card expires on the holder's birthday; a 29 February birthday ends on 28 February in a
  // common year.
  const sameDay = expiry.month === birth.month && expiry.day === birth.day;
  const leapDay = birth.month === 2 && birth.day === 29 && expiry.month === 2 && expiry.day === 28 && !isLeapYear(expiry.year);
  if (!isCalendarDate(expiry) || !(sameDay || leapDay)) return { ok: false, why: 'EXPIRY_NOT_BIRTHDAY' };
  if (expiry.year < FIRST_POSSIBLE_EXPIRY_YEAR || expiry.year > today.getUTCFullYear() + MAX_EXPIRY_YEARS_AHEAD || expiry.year - gregorian.year < 5) {
    return { ok: false, why: 'EXPIRY_OUT_OF_RANGE' };
  }
  const built = FaceKey.build({ birth, expiryYear: expiry.year, securityCode: code });
  if (!built.ok) return { ok: false, why: built.problem === 'EXPIRY_YEAR_INVALID' ? 'EXPIRY_OUT_OF_RANGE' : built.problem === 'SECURITY_CODE_INVALID' ? 'CODE_NOT_READ' : 'BIRTH_DATE_INVALID' };
  return { ok: true, key: built.key };
}

/**
 * What one frame says about each part of the key, even when the frame as a whole gave no key:
 * the era and its year ("平成11年" standing between the era and 年), the birth month and day, the
 * expiry's year and its month and day, and the code. The reader's vote (front-vote.ts) counts
 * these: a digit that Tesseract drops on some frames and reads on others then shows up as a
 * disagreement. Only what a card could print counts: an era year the era never had, an expiry
 * year outside the possible validity (the checks of checkFront) or a code not of 4 digits is no
 * evidence at all. Keys of the map are the part names; values are the text as read, normalised.
 */
export type FrontEvidence = ReadonlyMap<'eraYear' | 'birthDay' | 'expiryYear' | 'expiryDay' | 'code', string>;

const BIRTH_YEAR_PART = new RegExp(`(${ERA_KANJI})(元|\\d{1,2})${YEAR_SEP}`, 'u');
const DAY_PART = new RegExp(`(?:^|[^\\d])(\\d{1,2})${MONTH_SEP}(\\d{1,2})日`, 'u');
const EXPIRY_YEAR_PART = /(?:^|[^\d])(\d{4})[年和]/u;

/** True when the era had that year and it has begun by `today` (大正15, 昭和64, 平成31 are the last). */
export function eraYearPossible(kanji: string, year: number, today: Date): boolean {
  const i = ERAS.findIndex((e) => e.kanji === kanji);
  const era = ERAS[i];
  if (!era || !Number.isInteger(year) || year < 1) return false;
  const gregorian = era.start.year + year - 1;
  const next = ERAS[i + 1];
  return gregorian <= (next ? next.start.year : today.getUTCFullYear()) && gregorian <= today.getUTCFullYear();
}

export function frontEvidence(birthText: string, expiryText: string, codeText: string, today: Date): FrontEvidence {
  const squeeze = (s: string): string => s.normalize('NFKC').replace(/\s/gu, '');
  const evidence = new Map<'eraYear' | 'birthDay' | 'expiryYear' | 'expiryDay' | 'code', string>();
  const birth = squeeze(birthText);
  const expiry = squeeze(expiryText);
  const year = BIRTH_YEAR_PART.exec(birth);
  // 元 stays 元: a first year read as the digit 1 disagrees with a 元 read (and with "11").
  if (year && (year[2] === '元' || eraYearPossible(year[1] ?? '', Number(year[2]), today))) {
    evidence.set('eraYear', `${year[1]}${year[2] === '元' ? '元' : Number(year[2])}`);
  }
  // A month or day no calendar has ("令和75月23日": 年 lost, 7 and 5 run together, seed 116) is no
  // evidence: counted, its "75" blocked the key's month 5 as "a digit lost" (front-vote.ts rule 2).
  const dayOf = (m: RegExpExecArray | null): string | undefined => {
    const [month, day] = [Number(m?.[1]), Number(m?.[2])];
    return m && month >= 1 && month <= 12 && day >= 1 && day <= 31 ? `${month}-${day}` : undefined;
  };
  const birthDay = dayOf(DAY_PART.exec(birth));
  if (birthDay) evidence.set('birthDay', birthDay);
  const expiryYear = EXPIRY_YEAR_PART.exec(expiry);
  const y = Number(expiryYear?.[1]);
  if (expiryYear && y >= FIRST_POSSIBLE_EXPIRY_YEAR && y <= today.getUTCFullYear() + MAX_EXPIRY_YEARS_AHEAD) evidence.set('expiryYear', String(y));
  const expiryDay = dayOf(DAY_PART.exec(expiry));
  if (expiryDay) evidence.set('expiryDay', expiryDay);
  const code = squeeze(codeText);
  if (/^\d{4}$/u.test(code)) evidence.set('code', code);
  return evidence;
}
