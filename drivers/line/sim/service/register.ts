// The deterministic synthetic register: named test people plus households generated from a seed.
// Ages, copay ratios and certificates follow the real rules closely enough to exercise every
// branch of the result model; all people are fictional.
import type { InsuranceNumber } from '../../eligibility.js';
import { withCheckDigit } from './insurer-number.js';
import { NAMED_PEOPLE } from './named-people.js';
import {
  FEMALE_NAMES, LIMIT_CATEGORIES_70_PLUS, LIMIT_CATEGORIES_UNDER_70, MALE_NAMES, PREFECTURES, SPECIFIC_DISEASES, SURNAMES, TOWNS, type Town,
} from './names.js';
import { seededRandom, type Random } from './random.js';
import { insuranceKey, type RegisterEntry, type RegisterLimit, type RegisterPerson } from './register-entry.js';

export type { RegisterEntry } from './register-entry.js';

/** Ages are computed at this date, so a seed gives the same people whatever today is. */
export const REFERENCE_DATE = '2026-04-01';

export interface RegisterOptions {
  readonly seed?: string;
  readonly households?: number;
}

export interface Register {
  readonly seed: string;
  readonly entries: readonly RegisterEntry[];
  byId(id: string): RegisterEntry | undefined;
  byNumber(number: InsuranceNumber): RegisterEntry | undefined;
  /** Every qualification of one card holder (test PKI id): usually one, several for 複数該当. */
  byHolder(holder: string): readonly RegisterEntry[];
}

type Kind = 'kyokai' | 'kumiai' | 'kyosai' | 'kokuho' | 'kouki';

const INSURER_NAME: Record<Kind, (town: Town) => string> = {
  kyokai: (t) => `全国健康保険協会${PREFECTURES[t.pref] ?? ''}支部`, kumiai: (t) => `${t.city}健康保険組合`,
  kyosai: () => '地方職員共済組合', kokuho: (t) => t.city, kouki: (t) => `${PREFECTURES[t.pref] ?? ''}後期高齢者医療広域連合`,
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function dateFromRef(r: Random, ageYears: number): string {
  const ref = new Date(`${REFERENCE_DATE}T00:00:00Z`).getTime();
  const ms = ref - ageYears * 365.25 * 86400000 - r.int(0, 364) * 86400000;
  return new Date(ms).toISOString().slice(0, 10);
}

function between(r: Random, from: string, to: string): string {
  const a = new Date(`${from}T00:00:00Z`).getTime();
  const b = new Date(`${to}T00:00:00Z`).getTime();
  return new Date(a + Math.floor(r.next() * Math.max(0, b - a))).toISOString().slice(0, 10);
}

function ageOn(birthDate: string, on = REFERENCE_DATE): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function insurerFor(kind: Kind, town: Town, r: Random): { insurerNumber: string; symbol: string } {
  switch (kind) {
    case 'kyokai': return { insurerNumber: withCheckDigit(`01${town.pref}001`), symbol: String(r.int(1000, 9999999)) };
    case 'kumiai': return { insurerNumber: withCheckDigit(`06${town.pref}${pad(r.int(100, 999), 3)}`), symbol: String(r.int(1, 999)) };
    case 'kyosai': return { insurerNumber: withCheckDigit(`${r.pick(['31', '32', '34'])}${town.pref}${pad(r.int(1, 200), 3)}`), symbol: String(r.int(10, 9999)) };
    case 'kokuho': return { insurerNumber: withCheckDigit(`${town.pref}${town.cityCode}`), symbol: `${town.city.slice(0, 2)}${pad(r.int(1, 99), 2)}` };
    case 'kouki': return { insurerNumber: withCheckDigit(`39${town.pref}001`), symbol: '' };
  }
}

function limitFor(r: Random, age: number): RegisterLimit | null {
  if (age < 18 || !r.chance(0.06)) return null;
  const flag = age >= 70 ? r.pick(LIMIT_CATEGORIES_70_PLUS) : r.pick(LIMIT_CATEGORIES_UNDER_70);
  // 長期入院該当 and the 減額 certificate: only the low-income categories (オ, 低所得Ⅱ).
  const low = flag === 'A05' || flag === 'B05';
  const longTerm = low && r.chance(0.3) ? between(r, '2024-01-01', '2026-03-01') : null;
  return { flag, classification: low ? '02' : '01', longTermCareDate: longTerm };
}

function copayFor(kind: Kind, age: number, r: Random): { copayRatio: number; elderlyCopayRatio: number | null } {
  if (kind === 'kouki') return { copayRatio: r.pick([10, 10, 10, 20, 30]), elderlyCopayRatio: null };
  if (age < 6) return { copayRatio: 20, elderlyCopayRatio: null }; // 義務教育就学前
  if (age >= 70) {
    const ratio = r.chance(0.15) ? 30 : 20; // 現役並み所得者は3割
    return { copayRatio: ratio, elderlyCopayRatio: ratio };
  }
  return { copayRatio: 30, elderlyCopayRatio: null };
}

interface Member { sex: 'male' | 'female'; age: number; family: boolean }

function household(r: Random, index: number, firstId: number): RegisterEntry[] {
  const town = r.pick(TOWNS);
  const [surname, surnameKana] = r.pick(SURNAMES);
  const headAge = r.int(20, 88);
  const headSex = r.chance(0.55) ? 'male' : 'female';
  const members: Member[] = [{ sex: headSex, age: headAge, family: false }];
  if (headAge >= 25 && r.chance(0.6)) members.push({ sex: headSex === 'male' ? 'female' : 'male', age: Math.max(20, headAge + r.int(-5, 5)), family: true });
  if (headAge >= 25 && headAge <= 55) {
    const children = r.int(0, 3);
    for (let c = 0; c < children; c += 1) members.push({ sex: r.chance(0.5) ? 'male' : 'female', age: r.int(0, Math.min(22, headAge - 22)), family: true });
  }
  const headKind: Kind = headAge >= 75 ? 'kouki' : r.pick<Kind>(['kyokai', 'kyokai', 'kyokai', 'kumiai', 'kumiai', 'kyosai', 'kokuho', 'kokuho']);
  const headInsurer = insurerFor(headKind, town, r);
  const number = String(r.int(1, 9999999));
  // A household loses its qualification together (the insured left the employer), or one
  // certificate passes its validity date.
  const lost = r.chance(0.04);
  const expired = !lost && r.chance(0.02);
  const street = `${town.town}${r.int(1, 5)}丁目${r.int(1, 30)}番${r.int(1, 20)}号`;
  const address = `${PREFECTURES[town.pref] ?? ''}${town.city}${street}`;
  let headName: string | undefined;
  return members.map((m, k): RegisterEntry => {
    // Over 75 everyone is in 後期高齢者医療 on their own; in 国保 everyone is an insured person.
    const kind: Kind = m.age >= 75 ? 'kouki' : headKind === 'kouki' ? 'kokuho' : headKind;
    const own = kind !== headKind || kind === 'kouki';
    const insurer = own ? insurerFor(kind, town, r) : headInsurer;
    const family = m.family && kind !== 'kokuho' && kind !== 'kouki';
    const insurance: InsuranceNumber = {
      insurerNumber: insurer.insurerNumber,
      symbol: insurer.symbol,
      number: kind === 'kouki' ? pad(r.int(1, 99999999), 8) : own ? String(r.int(1, 9999999)) : number,
      branch: own ? '00' : pad(k, 2),
    };
    const [given, givenKana] = r.pick(m.sex === 'male' ? MALE_NAMES : FEMALE_NAMES);
    const birthDate = dateFromRef(r, m.age);
    const age = ageOn(birthDate);
    const validFrom = between(r, birthDate > '2000-04-01' ? birthDate : '2000-04-01', '2026-03-01');
    const validUntil = lost ? between(r, '2024-04-01', '2026-03-31') : expired ? '2025-07-31' : null;
    const disease = r.chance(0.01) ? r.pick(SPECIFIC_DISEASES) : null;
    const name = `${surname}　${given}`;
    if (k === 0) headName = name; // 世帯主: the household's first member
    const person: RegisterPerson = {
      insurance, cardClass: '01', insurerName: INSURER_NAME[kind](town),
      personFamily: kind === 'kouki' ? null : family ? 'family' : 'self',
      headOfHousehold: kind === 'kokuho' ? (headName ?? name) : null, nameOfOther: null,
      name, nameKana: `${surnameKana}　${givenKana}`, sex: m.sex, birthDate,
      address, postcode: town.postcode, ...copayFor(kind, age, r),
      validFrom: validUntil && validFrom > validUntil ? '2000-04-01' : validFrom, validUntil,
      limitCertificate: limitFor(r, age),
      specificDiseases: disease ? [{ category: disease[0], selfPayYen: disease[1], validFrom }] : [],
    };
    return {
      id: `p${pad(firstId + k, 5)}`, person, household: `h${pad(index, 5)}`,
      qualification: lost ? 'lost' : expired ? 'expired' : 'valid',
      reasonOfLoss: lost ? '99' : null,
      cardRegistered: r.chance(0.85),
    };
  });
}

export function generateRegister(options: RegisterOptions = {}): Register {
  const seed = options.seed ?? 'oqs-demo';
  const r = seededRandom(seed);
  const entries: RegisterEntry[] = [...NAMED_PEOPLE];
  const byKey = new Map<string, RegisterEntry>();
  for (const e of NAMED_PEOPLE) byKey.set(insuranceKey(e.person.insurance), e);
  let nextId = 0;
  for (let h = 0; h < (options.households ?? 1500); h += 1) {
    for (const e of household(r, h, nextId)) {
      nextId += 1;
      const key = insuranceKey(e.person.insurance);
      if (byKey.has(key)) continue; // a random number collided with an earlier one: skip it
      byKey.set(key, e);
      entries.push(e);
    }
  }
  const byId = new Map(entries.map((e) => [e.id, e]));
  const byHolder = new Map<string, RegisterEntry[]>();
  for (const e of entries) {
    const holder = e.holder ?? e.id;
    byHolder.set(holder, [...(byHolder.get(holder) ?? []), e]);
  }
  return {
    seed,
    entries,
    byId: (id) => byId.get(id),
    byNumber: (n) => byKey.get(insuranceKey(n)),
    byHolder: (holder) => byHolder.get(holder) ?? [],
  };
}
