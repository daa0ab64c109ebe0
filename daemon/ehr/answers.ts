// Payloads the gateway sends back to the EHR (schemas/inquiry-response.v2 and friends).
import { codeOfAnswer, type EligibilityResult } from '../../drivers/line/eligibility.js';
import type { ResultCode } from '../../vocabulary/result-codes.js';

export type InquiryStatus = 'answered' | 'queued' | 'rechecked' | 'expired';

/** The by-number path has no card registration; the validity code decides (NEWER_INSURANCE ...). */
export function codeOfResult(result: EligibilityResult): ResultCode {
  return codeOfAnswer(result);
}

/** A line that is down (or slow) is worth asking again later; other failures are final. */
export function isRecheckable(code: ResultCode): boolean {
  return code === 'LINE_DOWN' || code === 'LINE_TIMEOUT';
}

export interface RequestEcho {
  readonly requestId: string | null;
  readonly correlationId: string | null;
}

export function inquiryResponse(input: RequestEcho & {
  checkinEventId?: string | null;
  eventId: string;
  gatewayId: string;
  status: InquiryStatus;
  code: ResultCode;
  recheckId: string | null;
  patientId: string | null;
  result: EligibilityResult | null;
}) {
  return {
    schema: 'oqs.inquiry-response.v2' as const,
    eventId: input.eventId,
    gatewayId: input.gatewayId,
    time: new Date().toISOString(),
    requestId: input.requestId,
    correlationId: input.correlationId,
    status: input.status,
    code: input.code,
    ok: input.code === 'ELIGIBLE',
    recheckId: input.recheckId,
    checkinEventId: input.checkinEventId ?? null,
    patientId: input.patientId,
    result: input.result,
  };
}
