// Check-in events built the way the gateway builds them (buildCheckinEvent), for the register's
// named people: one per kind of answer (drivers/line/sim/service/named-people.ts). The answers come
// from the reference service's own rules (answers.ts), so they are real v2 answers.
import { randomUUID } from 'node:crypto';
import { codeOfAnswer, type EligibilityResult } from '../../drivers/line/eligibility.js';
import { answerFor } from '../../drivers/line/sim/service/answers.js';
import { NAMED_PEOPLE } from '../../drivers/line/sim/service/named-people.js';
import type { RegisterEntry } from '../../drivers/line/sim/service/register-entry.js';
import { buildCheckinEvent, type CheckinEvent } from '../../daemon/flow/checkin-event.js';

const CONSENTS = { drugInfo: true, checkupInfo: false, medicalInfo: true, limitCertificate: true };
const NOW = Date.parse('2026-11-29T01:02:04.000Z');

/** The answer a card check of this register entry gets on 2026-11-29 (registered for insurance use). */
export function eligibilityFor(entry: RegisterEntry): EligibilityResult {
  return answerFor([{ ...entry, cardRegistered: true }], { via: 'card', now: new Date(NOW - 1000), date: '2026-11-29', consents: CONSENTS, limitConsent: false });
}

export function checkinFor(entry: RegisterEntry, more: { patientId?: string; method?: CheckinEvent['method'] } = {}): CheckinEvent {
  const eligibility = eligibilityFor(entry);
  const event = buildCheckinEvent(
    {
      code: codeOfAnswer(eligibility),
      method: more.method ?? 'face',
      face: { decision: 'match', score: 0.8, threshold: 0.48 },
      consents: CONSENTS,
      eligibility,
    },
    { eventId: randomUUID(), gatewayId: 'gwt', readerId: 'reader1', startedAt: NOW - 4000, now: NOW },
  );
  return more.patientId ? { ...event, patientId: more.patientId } : event;
}

/** Every named person of the simulated register, as a check-in. */
export function namedCheckins(): { id: string; event: CheckinEvent }[] {
  return NAMED_PEOPLE.map((entry) => ({ id: entry.id, event: checkinFor(entry) }));
}
