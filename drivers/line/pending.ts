// What the lead's store keeps for a check that ended LINE_DOWN / LINE_TIMEOUT, and the function that
// re-runs it when the line is back. A pending inquiry is plain JSON (Buffers as base64) so it can
// sit in SQLite; it holds patient data and must be treated like a stored check-in.
import type { Consents } from '../../vocabulary/consent.js';
import type { IdentityMethod } from '../../vocabulary/identity.js';
import type { CardCheckRequest, EligibilityClient, EligibilityResult, NumberCheckRequest } from './eligibility.js';

export type PendingInquiry =
  | { readonly kind: 'number'; readonly request: NumberCheckRequest }
  | {
    readonly kind: 'card';
    readonly certificate: string; // base64 DER
    readonly method: IdentityMethod;
    /** The PIN path's proof: the service accepts the same challenge again from the same card. */
    readonly proof?: { readonly challenge: string; readonly signature: string };
    readonly consents: Consents;
    /** The day of the check-in: a re-check answers for it, not for the day the line came back. */
    readonly qualificationConfirmationDate?: string;
  };

export function toPending(request: CardCheckRequest | NumberCheckRequest): PendingInquiry {
  if ('certificate' in request) {
    return {
      kind: 'card',
      certificate: request.certificate.toString('base64'),
      method: request.method,
      ...(request.proof ? { proof: { challenge: request.proof.challenge, signature: request.proof.signature.toString('base64') } } : {}),
      consents: { ...request.consents },
      qualificationConfirmationDate: request.qualificationConfirmationDate ?? japanToday(),
    };
  }
  const { insurerNumber, symbol, number, branch, birthDate, qualificationConfirmationDate, limitConsent } = request;
  return {
    kind: 'number',
    request: {
      insurerNumber, symbol, number, branch, birthDate,
      // A re-check keeps the day asked about: an answer for "today" would be wrong by then.
      ...(qualificationConfirmationDate ? { qualificationConfirmationDate } : {}),
      ...(limitConsent !== undefined ? { limitConsent } : {}),
    },
  };
}

/**
 * Re-runs a queued inquiry. Throws the same GatewayErrors as the first try: LINE_DOWN (breaker
 * still open: keep it queued), CERT_INVALID (final), LINE_ERROR. A returned result is final and may
 * be published, 'invalid' included.
 */
export function recheck(client: EligibilityClient, pending: PendingInquiry, signal?: AbortSignal): Promise<EligibilityResult> {
  if (pending.kind === 'number') return client.checkByNumber(pending.request, signal);
  return client.checkByCard({
    certificate: Buffer.from(pending.certificate, 'base64'),
    method: pending.method,
    ...(pending.proof ? { proof: { challenge: pending.proof.challenge, signature: Buffer.from(pending.proof.signature, 'base64') } } : {}),
    consents: pending.consents,
    ...(pending.qualificationConfirmationDate ? { qualificationConfirmationDate: pending.qualificationConfirmationDate } : {}),
  }, signal);
}

/** Today in Japan (JST, no daylight saving), YYYY-MM-DD: the national system's day. */
export function japanToday(now = Date.now()): string {
  return new Date(now + 9 * 3600000).toISOString().slice(0, 10);
}
