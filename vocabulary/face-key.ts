// 照合番号B, the key of the card-surface AP (券面事項確認AP EF 0012) that opens the card face with the
// photo: 14 ASCII digits = the birth date as JAPANESE-ERA YYMMDD + the expiry's Gregorian year YYYY
// + the 4-digit security code printed on the front. Facts: soltia48/myna-card src/data.rs
// (verification_code_b, Date::to_era, Era; confirmed on a card: 1980-02-17 = 昭和55, expiry 2035,
// code 2285 -> 55021720352285). A Gregorian YYMMDD is a wrong key and burns one of the card's tries,
// so every key is built and checked here, in one place: the card driver consumes it and the
// card-front reader (issue 13) produces it with the same functions.

/** The eras a living person's birth date can fall in, oldest first. */
export type Era = 'meiji' | 'taisho' | 'showa' | 'heisei' | 'reiwa';

export interface CalendarDate {
  /** Gregorian year, month 1-12, day 1-31. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A date as printed on the card front: 昭和55年5月12日 = { era: 'showa', eraYear: 55, month: 5, day: 12 }. */
export interface EraDate {
  readonly era: Era;
  /** 1 for 元年. */
  readonly eraYear: number;
  readonly month: number;
  readonly day: number;
}

export interface EraInfo {
  readonly era: Era;
  readonly kanji: string;
  /** The era's first day (Gregorian); its year is era year 1. */
  readonly start: CalendarDate;
}

/** soltia48/myna-card src/data.rs (Date::to_era, Era::first_gregorian_year). */
export const ERAS: readonly EraInfo[] = [
  { era: 'meiji', kanji: '明治', start: { year: 1868, month: 1, day: 25 } },
  { era: 'taisho', kanji: '大正', start: { year: 1912, month: 7, day: 30 } },
  { era: 'showa', kanji: '昭和', start: { year: 1926, month: 12, day: 25 } },
  { era: 'heisei', kanji: '平成', start: { year: 1989, month: 1, day: 8 } },
  { era: 'reiwa', kanji: '令和', start: { year: 2019, month: 5, day: 1 } },
];

/** Why a key could not be built or parsed: named, so a caller can say what to fix. */
export type FaceKeyProblem =
  | 'NOT_14_DIGITS'          // not exactly 14 ASCII digits
  | 'BIRTH_DATE_INVALID'     // no such calendar date, or not inside the named era
  | 'BIRTH_DATE_BEFORE_ERAS' // before 明治 (no era year)
  | 'EXPIRY_YEAR_INVALID'    // not a plausible card expiry year
  | 'SECURITY_CODE_INVALID'; // not exactly 4 digits

export type FaceKeyResult = { readonly ok: true; readonly key: FaceKey } | { readonly ok: false; readonly problem: FaceKeyProblem; readonly message: string };

/** My Number cards were first issued in January 2016 and are valid for at most 10 birthdays. */
export const EXPIRY_YEAR_RANGE = { min: 2016, max: 2099 } as const;

const order = (d: CalendarDate): number => d.year * 10000 + d.month * 100 + d.day;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when the Gregorian date exists (2023-02-29 does not). */
export function isCalendarDate(d: CalendarDate): boolean {
  return Number.isInteger(d.year) && Number.isInteger(d.month) && Number.isInteger(d.day)
    && d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

export function eraInfo(era: Era): EraInfo {
  const info = ERAS.find((e) => e.era === era);
  if (!info) throw new RangeError(`unknown era ${String(era)}`);
  return info;
}

/** 昭和 -> 'showa' (also accepts the romanised name); null for anything else. */
export function eraFromName(name: string): Era | null {
  const n = name.trim().toLowerCase();
  return ERAS.find((e) => e.kanji === name.trim() || e.era === n)?.era ?? null;
}

/** The era and era year a Gregorian date falls in; null before 明治 or for a date that does not exist. */
export function toEraDate(d: CalendarDate): EraDate | null {
  if (!isCalendarDate(d)) return null;
  for (let i = ERAS.length - 1; i >= 0; i--) {
    const info = ERAS[i]!;
    if (order(d) >= order(info.start)) return { era: info.era, eraYear: d.year - info.start.year + 1, month: d.month, day: d.day };
  }
  return null;
}

/** The Gregorian date of an era date; null when it does not exist (平成31年5月1日, 昭和64年1月8日, 2月30日). */
export function fromEraDate(d: EraDate): CalendarDate | null {
  const index = ERAS.findIndex((e) => e.era === d.era);
  if (index < 0 || !Number.isInteger(d.eraYear) || d.eraYear < 1) return null;
  const info = ERAS[index]!;
  const date = { year: info.start.year + d.eraYear - 1, month: d.month, day: d.day };
  if (!isCalendarDate(date) || order(date) < order(info.start)) return null;
  const next = ERAS[index + 1];
  if (next && order(date) >= order(next.start)) return null;
  return date;
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * 照合番号B, 14 ASCII digits. Like a PIN it is patient data: it prints as [照合番号B] and
 * `bytes()` hands out a copy for the one VERIFY that uses it.
 */
export class FaceKey {
  readonly #digits: string;

  private constructor(digits: string) { this.#digits = digits; }

  /** From the three things printed on the card's front. The birth date may be given as printed
   * (era date) or in Gregorian form; either way it must exist. */
  static build(input: { readonly birth: EraDate | CalendarDate; readonly expiryYear: number; readonly securityCode: string }): FaceKeyResult {
    const birth = 'era' in input.birth ? input.birth : toEraDate(input.birth);
    if (!birth) {
      return 'era' in input.birth || !isCalendarDate(input.birth)
        ? fail('BIRTH_DATE_INVALID', 'the birth date does not exist')
        : fail('BIRTH_DATE_BEFORE_ERAS', 'the birth date is before 明治 (no era year)');
    }
    const gregorian = fromEraDate(birth);
    if (!gregorian) return fail('BIRTH_DATE_INVALID', `no such date: ${eraInfo(birth.era).kanji}${birth.eraYear}年${birth.month}月${birth.day}日`);
    if (birth.eraYear > 99) return fail('BIRTH_DATE_INVALID', 'the era year does not fit in two digits');
    const { expiryYear, securityCode } = input;
    if (!Number.isInteger(expiryYear) || expiryYear < EXPIRY_YEAR_RANGE.min || expiryYear > EXPIRY_YEAR_RANGE.max || expiryYear < gregorian.year) {
      return fail('EXPIRY_YEAR_INVALID', `the expiry year must be a year from ${EXPIRY_YEAR_RANGE.min} to ${EXPIRY_YEAR_RANGE.max}`);
    }
    if (!/^[0-9]{4}$/.test(securityCode)) return fail('SECURITY_CODE_INVALID', 'the security code is exactly 4 digits');
    return { ok: true, key: new FaceKey(`${two(birth.eraYear)}${two(birth.month)}${two(birth.day)}${expiryYear}${securityCode}`) };
  }

  /** From 14 typed digits (`--face-key`). The era is not in the digits, so the birth part is checked
   * to be a date in at least one era; the expiry year must be plausible. */
  static parse(digits: string): FaceKeyResult {
    if (!/^[0-9]{14}$/.test(digits)) return fail('NOT_14_DIGITS', '照合番号B is exactly 14 digits: birth date as era YYMMDD, expiry year YYYY, security code');
    const yy = Number(digits.slice(0, 2));
    const mm = Number(digits.slice(2, 4));
    const dd = Number(digits.slice(4, 6));
    const existsInSomeEra = ERAS.some((e) => fromEraDate({ era: e.era, eraYear: yy, month: mm, day: dd }) !== null);
    if (!existsInSomeEra) return fail('BIRTH_DATE_INVALID', `the first 6 digits are not an era date (YYMMDD): ${yy}年${mm}月${dd}日 exists in no era`);
    const expiryYear = Number(digits.slice(6, 10));
    if (expiryYear < EXPIRY_YEAR_RANGE.min || expiryYear > EXPIRY_YEAR_RANGE.max) {
      return fail('EXPIRY_YEAR_INVALID', `digits 7-10 are the expiry year (${EXPIRY_YEAR_RANGE.min}-${EXPIRY_YEAR_RANGE.max})`);
    }
    return { ok: true, key: new FaceKey(digits) };
  }

  /** A fresh copy of the 14 ASCII digits, for the VERIFY command (the caller wipes it). */
  bytes(): Buffer { return Buffer.from(this.#digits, 'ascii'); }

  /** The first six digits: the 生年月日 key of EF 0011 (not used by the gateway). */
  get birthPart(): string { return this.#digits.slice(0, 6); }

  equals(other: FaceKey): boolean { return other.#digits === this.#digits; }

  toJSON(): string { return '[照合番号B]'; }
  toString(): string { return '[照合番号B]'; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return '[照合番号B]'; }
}

function fail(problem: FaceKeyProblem, message: string): FaceKeyResult {
  return { ok: false, problem, message };
}
