// The check-in event carries only what the patient consented to, item by item. The service already
// leaves out what was not agreed to; this is the gateway's own guard, so a service (or a future
// line) that sends more never puts it on the EHR's topic.
import { CONSENT_ITEM_OF_VIEWING, VIEWING_CONSENTS, VIEWING_NOT_GIVEN, type EligibilityResult, type QualificationResult } from '../../drivers/line/eligibility.js';
import type { Consents } from '../../vocabulary/consent.js';

function trimmed(result: QualificationResult, consents: Consents): QualificationResult {
  const limit = consents.limitCertificate === true && result.limitApplicationCertificateRelatedConsFlg === '1';
  const disease = consents.specificDisease === true && result.specificDiseasesCertificateRelatedConsFlg === '1';
  const out: QualificationResult = {
    ...result,
    limitApplicationCertificateRelatedInfo: limit ? result.limitApplicationCertificateRelatedInfo : null,
    specificDiseasesCertificateList: disease ? result.specificDiseasesCertificateList : [],
  };
  // A viewing consent (薬剤, 特定健診, 診療, 手術, the 電子カルテ情報共有サービス items) the answer
  // marks as given while the patient did not give it on this check-in is shown as not given: the
  // EHR must never take a "no" on the reader for a "yes".
  for (const kind of VIEWING_CONSENTS) {
    if (out[kind].consFlg === '1' && consents[CONSENT_ITEM_OF_VIEWING[kind]] !== true) out[kind] = VIEWING_NOT_GIVEN;
  }
  return out;
}

export function consentedOnly(answer: EligibilityResult, consents: Consents): EligibilityResult {
  return { ...answer, results: answer.results.map((r) => trimmed(r, consents)) };
}
