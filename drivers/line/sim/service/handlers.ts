// The service's answers to each path, as plain functions of a validated body: no HTTP here, so
// the rules can be read (and tested) on their own.
import type { Consents } from '../../../../vocabulary/consent.js';
import {
  SERVICE_ERRORS, validators, type BatchResponseBody, type HeaderBody, type InquiryResponseBody, type ServiceErrorCode,
} from '../../wire.js';
import { answerFor, notFound, notRegistered } from './answers.js';
import { checkCertificate, checkProof, type JpkiTrust } from './card-check.js';
import type { ChallengeStore } from './challenges.js';
import type { Register } from './register.js';

export interface Reply { readonly status: number; readonly body: unknown }

export interface ServiceState {
  readonly register: Register;
  readonly trust: JpkiTrust;
  readonly challenges: ChallengeStore;
  readonly now: () => Date;
  /** Register ids whose cards were registered for insurance use at a reader since start. */
  readonly registeredAtReader: Set<string>;
}

function header(via: 'card' | 'number', now: Date, error?: ServiceErrorCode): HeaderBody {
  return {
    processExecutionTime: now.toISOString(),
    referenceClassification: via,
    segmentOfResult: error ? 'error' : 'normal',
    errorCode: error ?? null,
    errorMessage: error ? SERVICE_ERRORS[error] : null,
  };
}

function refuse(via: 'card' | 'number', now: Date, error: ServiceErrorCode, status = 422): Reply {
  const body: InquiryResponseBody = { header: header(via, now, error), result: null };
  return { status, body };
}

export function challenge(state: ServiceState): Reply {
  return { status: 200, body: state.challenges.issue(state.now().getTime()) };
}

export function byCard(state: ServiceState, input: unknown): Reply {
  const now = state.now();
  if (!validators.cardInquiry(input)) return refuse('card', now, 'BAD_REQUEST', 400);
  // Grace period: an expired certificate (< 3 months) serves an inquiry that asks for the
  // insurance alone (no drug, check-up or medical information).
  const insuranceOnly = !input.consents.drugInfo && !input.consents.checkupInfo && !input.consents.medicalInfo;
  const verdict = checkCertificate(Buffer.from(input.certificate, 'base64'), state.trust, now, insuranceOnly);
  if (!verdict.ok) return refuse('card', now, verdict.error);
  // A PIN and a phone both prove possession of the key by signing the challenge.
  if ((input.method === 'pin' || input.method === 'smartphone') && !input.proof) return refuse('card', now, 'PROOF_REQUIRED');
  if (input.proof) {
    if (!state.challenges.use(input.proof.challenge, verdict.certificate.serialNumber, now.getTime())) return refuse('card', now, 'CHALLENGE_UNKNOWN');
    if (!checkProof(verdict.certificate, input.proof.challenge, Buffer.from(input.proof.signature, 'base64'))) return refuse('card', now, 'PROOF_INVALID');
  }
  let entry = verdict.holder === undefined ? undefined : state.register.byId(verdict.holder);
  if (entry && !entry.cardRegistered) {
    // 保険証利用登録 at the reader: from now on this card answers as registered.
    if (input.registerInsuranceUse) state.registeredAtReader.add(entry.id);
    if (state.registeredAtReader.has(entry.id)) entry = { ...entry, cardRegistered: true };
  }
  const consents: Consents = input.consents;
  const result = entry ? answerFor(entry, 'card', consents, now) : notRegistered(now);
  const body: InquiryResponseBody = { header: header('card', now), result };
  return { status: 200, body };
}

function numberResult(state: ServiceState, input: { insurerNumber: string; symbol: string; number: string; branch: string; birthDate: string }, now: Date) {
  const entry = state.register.byNumber(input);
  // A wrong birth date answers exactly like an unknown number: the service must not confirm that
  // an insurance number exists to someone who does not know whose it is.
  return entry && entry.person.birthDate === input.birthDate ? answerFor(entry, 'number', {}, now) : notFound(now);
}

export function byNumber(state: ServiceState, input: unknown): Reply {
  const now = state.now();
  if (!validators.numberInquiry(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  const body: InquiryResponseBody = { header: header('number', now), result: numberResult(state, input, now) };
  return { status: 200, body };
}

export function batch(state: ServiceState, input: unknown): Reply {
  const now = state.now();
  if (!validators.batchInquiry(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  const body: BatchResponseBody = {
    header: header('number', now),
    items: input.items.map((item, index) => ({ index, header: header('number', now), result: numberResult(state, item, now) })),
  };
  return { status: 200, body };
}
