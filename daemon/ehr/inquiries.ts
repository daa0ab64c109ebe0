// <base>/inquiries: eligibility by insurance number (no card). Answered at once on the reply topic;
// a line that is down answers LINE_DOWN (status 'queued') at once and the inquiry is re-checked
// later (rechecks.ts).
import { patientIdOfAnswer } from './patient-links.js';
import { randomUUID } from 'node:crypto';
import type { EligibilityClient, InsuranceNumber, NumberCheckRequest } from '../../drivers/line/eligibility.js';
import { toPending } from '../../drivers/line/pending.js';
import { codeOf } from '../../vocabulary/result-codes.js';
import { codeOfResult, inquiryResponse, isRecheckable } from './answers.js';
import type { RecheckQueue } from './rechecks.js';
import type { IncomingRequest } from './request.js';
import type { Responder } from './responder.js';
import { validatePayload } from '../mqtt/schemas.js';
import { numberRequestOf } from './insurance-input.js';

export interface InquiryDeps {
  readonly line: EligibilityClient;
  readonly responder: Responder;
  readonly rechecks: RecheckQueue;
  readonly gatewayId: string;
  readonly patientIdOf: (insurance: InsuranceNumber) => Promise<string | null>;
  readonly signal: AbortSignal;
}

export async function handleInquiry(request: IncomingRequest, deps: InquiryDeps): Promise<void> {
  const { responder } = deps;
  if (request.unreadable) return responder.error(request, 'INVALID_REQUEST', 'the payload is not JSON', [{ field: '', message: 'must be a JSON object' }]);
  const errors = validatePayload('inquiry-request.v2', request.body);
  if (errors) return responder.error(request, 'INVALID_REQUEST', 'the inquiry does not match schemas/inquiry-request.v2.schema.json', errors);
  if (!request.reply) {
    return responder.error(request, 'INVALID_REQUEST', 'nowhere to answer: give an MQTT 5 Response Topic or replyTo',
      request.replyProblem ? [] : [{ field: '/replyTo', message: 'is required without an MQTT 5 Response Topic' }]);
  }
  const semantic = numberRequestOf(request.body as Record<string, unknown>, '');
  if ('errors' in semantic) return responder.error(request, 'INVALID_REQUEST', 'the inquiry names no valid insurance number', semantic.errors);
  const echo = { requestId: request.requestId, correlationId: request.correlationId };
  const ask: NumberCheckRequest = semantic.request;
  const eventId = randomUUID();
  try {
    const result = await deps.line.checkByNumber(ask, deps.signal);
    // Only a person the service confirmed carries a patient id: a wrong birth date must not reveal a link.
    const patientId = await patientIdOfAnswer(result, deps.patientIdOf);
    await responder.send(request.reply, inquiryResponse({ ...echo, eventId, gatewayId: deps.gatewayId, status: 'answered', code: codeOfResult(result), recheckId: null, patientId, result }));
  } catch (error) {
    if (deps.signal.aborted) return responder.error(request, 'SHUTTING_DOWN', 'the gateway is stopping; ask again when it is back');
    const code = codeOf(error, 'LINE_ERROR');
    const recheckId = isRecheckable(code) ? await deps.rechecks.enqueue('inquiry', echo, toPending(ask)) : null;
    await responder.send(request.reply, inquiryResponse({
      ...echo, eventId, gatewayId: deps.gatewayId, status: recheckId ? 'queued' : 'answered', code, recheckId, patientId: null, result: null,
    }));
  }
}
