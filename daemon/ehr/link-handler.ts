// <base>/patients/link: the EHR names its patient id for a check-in's insured person.
import type { PatientLinks } from './patient-links.js';
import type { ReferenceRegistrar } from './reference-registrar.js';
import type { IncomingRequest } from './request.js';
import type { Responder } from './responder.js';
import { validatePayload } from '../mqtt/schemas.js';

export async function handlePatientLink(request: IncomingRequest, links: PatientLinks, responder: Responder, gatewayId: string, registrar?: ReferenceRegistrar): Promise<void> {
  if (request.unreadable) return responder.error(request, 'INVALID_REQUEST', 'the payload is not JSON', [{ field: '', message: 'must be a JSON object' }]);
  const errors = validatePayload('patient-link.v1', request.body);
  if (errors) return responder.error(request, 'INVALID_REQUEST', 'the link does not match schemas/patient-link.v1.schema.json', errors);
  if (request.replyProblem) return responder.error(request, 'INVALID_REQUEST', 'the reply topic cannot be used; nothing was linked');
  const { eventId, patientId } = request.body as { eventId: string; patientId: string | null };
  const outcome = await links.link(eventId, patientId);
  if (outcome.kind === 'unknown-event') {
    return responder.error(request, 'UNKNOWN_EVENT', 'no check-in with this eventId on this gateway (or it is past retention)', [{ field: '/eventId', message: 'is not a known check-in' }]);
  }
  if (outcome.kind === 'not-linkable') {
    return responder.error(request, 'NOT_LINKABLE', 'this check-in carries no insurance identity (the patient was not identified, or the service did not answer)',
      [{ field: '/eventId', message: 'names a check-in without one insured person in eligibility.results' }]);
  }
  // Also the clinic's 照会番号 with the service (queued while the line is down; the local link
  // answers meanwhile, and stays when the number cannot be registered).
  await registrar?.linked(eventId, outcome.linkKey, patientId);
  if (!request.reply) return; // a link without a reply topic is fire-and-forget; errors still go to <base>/errors
  await responder.send(request.reply, {
    schema: 'oqs.patient-link-result.v1',
    gatewayId,
    time: new Date().toISOString(),
    requestId: request.requestId,
    correlationId: request.correlationId,
    eventId,
    patientId,
    linked: outcome.kind === 'linked',
    previousPatientId: outcome.previousPatientId,
  });
}
