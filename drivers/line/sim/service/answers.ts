// Builds the answer for one person, applying the rules the real service applies: validity by date,
// limit and specific-disease certificates only with the patient's consent on a card check, viewing
// of drug / check-up / medical information only with consent on a card check.
import type { Consents } from '../../../../vocabulary/consent.js';
import type { ResultBody } from '../../wire.js';
import type { RegisterEntry } from './register-entry.js';

export const REASONS = {
  notFound: '該当する資格がありません',
  notRegistered: '保険証利用登録がされていません',
  expired: '有効期限切れ',
  notYet: '資格取得日前',
} as const;

const NOTHING_VIEWABLE = { drugInfo: false, checkupInfo: false, medicalInfo: false } as const;

export function notFound(now: Date): ResultBody {
  return { status: 'unconfirmed', reason: REASONS.notFound, registered: true, person: null, viewable: NOTHING_VIEWABLE, checkedAt: now.toISOString() };
}

/** A valid card certificate that no insured person is linked to. */
export function notRegistered(now: Date): ResultBody {
  return { status: 'unconfirmed', reason: REASONS.notRegistered, registered: false, person: null, viewable: NOTHING_VIEWABLE, checkedAt: now.toISOString() };
}

export function answerFor(entry: RegisterEntry, via: 'card' | 'number', consents: Consents, now: Date): ResultBody {
  if (via === 'card' && !entry.cardRegistered) return notRegistered(now);
  const today = now.toISOString().slice(0, 10);
  const p = entry.person;
  let status: ResultBody['status'] = 'valid';
  let reason: string | null = null;
  if (entry.qualification !== 'valid' || (p.validUntil !== null && p.validUntil < today)) {
    status = 'invalid';
    reason = entry.reason ?? REASONS.expired;
  } else if (p.validFrom > today) {
    status = 'invalid';
    reason = REASONS.notYet;
  }
  const card = via === 'card';
  return {
    status,
    reason,
    registered: true,
    person: {
      ...p,
      insurance: { ...p.insurance },
      limitCertificate: card && consents.limitCertificate === true && p.limitCertificate ? { ...p.limitCertificate } : null,
      specificDisease: card && consents.specificDisease === true && p.specificDisease ? { ...p.specificDisease } : null,
    },
    viewable: {
      drugInfo: card && consents.drugInfo === true,
      checkupInfo: card && consents.checkupInfo === true,
      medicalInfo: card && consents.medicalInfo === true,
    },
    checkedAt: now.toISOString(),
  };
}
