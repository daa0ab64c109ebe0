// Check-in events built the way the gateway builds them (buildCheckinEvent), for the register's
// named people: one per kind of answer (drivers/line/sim/service/named-people.ts).
import { randomUUID } from 'node:crypto';
import type { EligibilityResult, InsuredPerson } from '../../drivers/line/eligibility.js';
import { NAMED_PEOPLE } from '../../drivers/line/sim/service/named-people.js';
import { buildCheckinEvent, type CheckinEvent } from '../../daemon/flow/checkin-event.js';

export function eligibilityFor(person: InsuredPerson, status: EligibilityResult['status'] = 'valid'): EligibilityResult {
  return {
    status,
    reason: status === 'valid' ? null : '資格喪失',
    registered: true,
    person,
    viewable: { drugInfo: true, checkupInfo: false, medicalInfo: true },
    checkedAt: '2026-11-29T01:02:03.000Z',
  };
}

export function checkinFor(person: InsuredPerson, more: { status?: EligibilityResult['status']; patientId?: string; method?: CheckinEvent['method'] } = {}): CheckinEvent {
  const now = Date.parse('2026-11-29T01:02:04.000Z');
  const event = buildCheckinEvent(
    {
      code: more.status === 'invalid' ? 'NOT_ELIGIBLE' : 'ELIGIBLE',
      method: more.method ?? 'face',
      face: { decision: 'match', score: 0.8, threshold: 0.48 },
      consents: { drugInfo: true, checkupInfo: false, medicalInfo: true, limitCertificate: true },
      eligibility: eligibilityFor(person, more.status ?? 'valid'),
    },
    { eventId: randomUUID(), gatewayId: 'gwt', readerId: 'reader1', startedAt: now - 4000, now },
  );
  return more.patientId ? { ...event, patientId: more.patientId } : event;
}

/** Every named person of the simulated register, as a check-in. */
export function namedCheckins(): { id: string; event: CheckinEvent }[] {
  return NAMED_PEOPLE.map((entry) => ({
    id: entry.id,
    event: checkinFor(entry.person, { status: entry.qualification === 'valid' ? 'valid' : 'invalid' }),
  }));
}
