// The check-in event: what the EHR receives on <base>/checkins (schemas/checkin.v2.schema.json).
// Patient data appears only when the patient was identified and the service answered.
import type { Consents } from '../../vocabulary/consent.js';
import type { ReferenceMethod } from '../../vocabulary/identity.js';
import type { CardCheckRequest, EligibilityResult } from '../../drivers/line/eligibility.js';
import { RESULT_CODES, type ResultCode } from '../../vocabulary/result-codes.js';
import type { CardToken } from '../../drivers/card/card-reader.js';
import { consentedOnly } from './consented.js';
import type { FaceDecision } from '../../drivers/face/face-matcher.js';
import type { FrontFailure } from '../../drivers/card/front/front-reader.js';

/** How the chip photo was opened for face match (照合番号B): read off a picture of the card's front
 * by the gateway (issue 13), or supplied by the card driver itself (a reader that knows it, the simulator). */
export type FaceKeySource = 'front-ocr' | 'reader';

/** Why the key read off the card's front opened no photo (the patient went on to the PIN). */
export type FaceKeyFailure = FrontFailure | 'KEY_REFUSED' | 'KEY_LOCKED';

export const CHECKIN_SCHEMA = 'oqs.checkin.v2';

export interface CheckinEvent {
  readonly schema: typeof CHECKIN_SCHEMA;
  readonly eventId: string;
  readonly gatewayId: string;
  readonly readerId: string;
  readonly time: string;
  readonly durationMs: number;
  readonly result: {
    readonly code: ResultCode;
    readonly ok: boolean;
    readonly message: { readonly ja: string; readonly en: string };
    readonly action: string;
    readonly triesLeft?: number;
  };
  /** How the patient was identified; null when no method succeeded. */
  readonly method: ReferenceMethod | null;
  /** Card check-ins: the plastic card or a smartphone (スマホ用電子証明書). */
  readonly token?: CardToken;
  /** Only when it matters: the certificate expires within 3 months ('expiring'), or expired less
   * than 3 months ago ('grace': the insurance check only, no drug/check-up/medical information). */
  readonly certificate?: { readonly standing: 'expiring' | 'grace' };
  /** Scores only: no image and no descriptor ever leaves the face driver. */
  readonly face: { readonly decision: FaceDecision; readonly score: number | null; readonly threshold: number } | null;
  /** Only when face match ran on the chip photo: where its key came from. */
  readonly faceKey?: FaceKeySource;
  /** Only when the key read off the card's front opened no photo: why (docs/mqtt.md). */
  readonly faceKeyFailure?: FaceKeyFailure;
  readonly consents: Consents;
  /** Staff helped the patient at the reader (the card stayed on it). */
  readonly assisted: boolean;
  /** The patient registered the card for insurance use at the reader during this check-in. */
  readonly registeredAtReader: boolean;
  readonly eligibility: EligibilityResult | null;
  /** The EHR's own patient id, when it linked this insured person before (docs/mqtt.md). */
  readonly patientId?: string;
  /**
   * Only for LINE_DOWN / LINE_TIMEOUT (else null): whether a re-check will follow on
   * <base>/inquiries/rechecks, or why none will, so the EHR never waits for ever.
   */
  readonly recheck: CheckinRecheck | null;
}

/** Why a check-in that met a down line will not be re-checked (docs/mqtt.md, "Check-ins"). */
export const NO_RECHECK_REASONS = {
  /** The line failed before the card proved itself (PIN route: the service's challenge); a proof
   * needs the card on the reader, so only a new check-in (or an inquiry by number) can follow. */
  CARD_NEEDED: 'the line was down before the card could prove itself; check the patient in again, or ask by insurance number',
  /** ehr.requests false: the gateway serves no EHR side, re-checks included. */
  REQUESTS_OFF: 'ehr.requests is false on this gateway: no re-checks; check the patient in again when the line is back',
  /** The re-check could not be stored (database error, see the gateway log). */
  QUEUE_FAILED: 'the re-check could not be stored; check the patient in again when the line is back',
} as const;
export type NoRecheckReason = keyof typeof NO_RECHECK_REASONS;

export type CheckinRecheck =
  | { readonly status: 'queued'; readonly reason: null; readonly message: null }
  | { readonly status: 'none'; readonly reason: NoRecheckReason; readonly message: string };

export function noRecheck(reason: NoRecheckReason): CheckinRecheck {
  return { status: 'none', reason, message: NO_RECHECK_REASONS[reason] };
}

export const RECHECK_QUEUED: CheckinRecheck = { status: 'queued', reason: null, message: null };

/** The codes after which a check-in is worth asking again when the line is back. */
export function lineWasDown(code: ResultCode): boolean {
  return code === 'LINE_DOWN' || code === 'LINE_TIMEOUT';
}

export interface CheckinOutcome {
  readonly code: ResultCode;
  readonly token?: CardToken;
  readonly certificate?: { readonly standing: 'expiring' | 'grace' };
  readonly triesLeft?: number;
  readonly method: ReferenceMethod | null;
  readonly face: CheckinEvent['face'];
  readonly faceKey?: FaceKeySource;
  readonly faceKeyFailure?: FaceKeyFailure;
  readonly consents: Consents;
  readonly assisted?: boolean;
  readonly registeredAtReader?: boolean;
  readonly eligibility: EligibilityResult | null;
  /** Not published: the request to re-run when the line was down (the gateway queues it). */
  readonly pendingRequest?: CardCheckRequest;
}

export function buildCheckinEvent(
  outcome: CheckinOutcome,
  context: { eventId: string; gatewayId: string; readerId: string; startedAt: number; now: number },
): CheckinEvent {
  const info = RESULT_CODES[outcome.code];
  return {
    schema: CHECKIN_SCHEMA,
    eventId: context.eventId,
    gatewayId: context.gatewayId,
    readerId: context.readerId,
    time: new Date(context.now).toISOString(),
    durationMs: Math.max(0, context.now - context.startedAt),
    result: {
      code: outcome.code,
      ok: outcome.code === 'ELIGIBLE',
      message: { ja: info.ja, en: info.en },
      action: info.action,
      ...(outcome.triesLeft !== undefined ? { triesLeft: outcome.triesLeft } : {}),
    },
    method: outcome.method,
    ...(outcome.token ? { token: outcome.token } : {}),
    ...(outcome.certificate ? { certificate: outcome.certificate } : {}),
    face: outcome.face,
    ...(outcome.faceKey ? { faceKey: outcome.faceKey } : {}),
    ...(outcome.faceKeyFailure ? { faceKeyFailure: outcome.faceKeyFailure } : {}),
    consents: outcome.consents,
    assisted: outcome.assisted ?? false,
    registeredAtReader: outcome.registeredAtReader ?? false,
    eligibility: outcome.eligibility && consentedOnly(outcome.eligibility, outcome.consents),
    // The gateway decides (queued or not) before the commit: gateway.ts commitCheckin.
    recheck: null,
  };
}
