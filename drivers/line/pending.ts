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
  };

export function toPending(request: CardCheckRequest | NumberCheckRequest): PendingInquiry {
  if ('certificate' in request) {
    return {
      kind: 'card',
      certificate: request.certificate.toString('base64'),
      method: request.method,
      ...(request.proof ? { proof: { challenge: request.proof.challenge, signature: request.proof.signature.toString('base64') } } : {}),
      consents: { ...request.consents },
    };
  }
  const { insurerNumber, symbol, number, branch, birthDate } = request;
  return { kind: 'number', request: { insurerNumber, symbol, number, branch, birthDate } };
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
  }, signal);
}
