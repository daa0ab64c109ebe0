// The check-in event carries only what the patient consented to, item by item. The service already
// leaves out what was not agreed to; this is the gateway's own guard, so a service (or a future
// line) that sends more never puts it on the EHR's topic.
import type { EligibilityResult, QualificationResult } from '../../drivers/line/eligibility.js';
import type { Consents } from '../../vocabulary/consent.js';

function trimmed(result: QualificationResult, consents: Consents): QualificationResult {
  const limit = consents.limitCertificate === true && result.limitApplicationCertificateRelatedConsFlg === '1';
  const disease = consents.specificDisease === true && result.specificDiseasesCertificateRelatedConsFlg === '1';
  return {
    ...result,
    limitApplicationCertificateRelatedInfo: limit ? result.limitApplicationCertificateRelatedInfo : null,
    specificDiseasesCertificateList: disease ? result.specificDiseasesCertificateList : [],
  };
}

export function consentedOnly(answer: EligibilityResult, consents: Consents): EligibilityResult {
  return { ...answer, results: answer.results.map((r) => trimmed(r, consents)) };
}
