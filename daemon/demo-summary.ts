// What `oqsgw demo` prints per check-in: one line for the outcome, and for an answered check-in a
// second line with what the national answer says that a desk acts on (validity code, several
// results, 限度額, 特定疾病, 医療扶助 tickets, the viewing consents given). Demo only: the demo's
// people are synthetic; the service logs never carry any of this.
import { VIEWING_CONSENTS, type EligibilityResult } from '../drivers/line/eligibility.js';
import type { CheckinEvent } from './flow/checkin-event.js';

function answerLine(answer: EligibilityResult): string {
  const parts = [`資格有効性 ${answer.qualificationValidity} ${answer.qualificationValidityLabel}`];
  if (answer.results.length > 1) parts.push(`${answer.results.length} results`);
  for (const r of answer.results) {
    const limit = r.limitApplicationCertificateRelatedInfo;
    if (limit) parts.push(`限度額 ${limit.limitApplicationCertificateClassificationFlag} ${limit.limitApplicationCertificateClassificationFlagLabel}`);
    if (r.specificDiseasesCertificateList.length > 0) parts.push(`特定疾病 ${r.specificDiseasesCertificateList.map((d) => d.specificDiseasesDiseaseCategory).join(',')}`);
    if (r.insuredCardClassification === 'A1') {
      const tickets = r.publicExpenseResultList.map((m) => `${m.ticketTypeLabel} ${m.medicalTreatmentMonth}`);
      parts.push(`医療扶助 ${tickets.length > 0 ? tickets.join(', ') : 'no ticket this month'}`);
    }
  }
  const first = answer.results[0];
  if (first) parts.push(`閲覧同意 ${VIEWING_CONSENTS.filter((k) => first[k].consFlg === '1').length}/${VIEWING_CONSENTS.length}`);
  for (const notice of answer.notices) parts.push(notice.processingResultMessage);
  return parts.join(' · ');
}

export function describeCheckin(event: CheckinEvent): string {
  const first = event.eligibility?.results[0];
  const who = first ? ` ${first.nameKana}` : '';
  const how = event.method ? ` by ${event.method}` : '';
  const head = `check-in ${event.eventId.slice(0, 8)}: ${event.result.code}${how}${who} (${(event.durationMs / 1000).toFixed(1)} s) - ${event.result.message.en}`;
  return event.eligibility ? `${head}\n    ${answerLine(event.eligibility)}` : head;
}
