// The service's answers to each path, as plain functions of a validated body: no HTTP here, so
// the rules can be read (and tested) on their own.
import { MEDICAL_INFO_ITEMS, type Consents } from '../../../../vocabulary/consent.js';
import {
  SERVICE_ERRORS, validators, type BatchResponseBody, type BulkFetchResponseBody, type BulkUploadResponseBody, type ReferenceRegistrationResponseBody, type HeaderBody, type InquiryResponseBody, type ServiceErrorCode,
} from '../../wire.js';
import { answerFor, isoOf, japanDate, NOTICES, notFound, notRegistered, type AskContext } from './answers.js';
import { answerProblems } from '../../answer-check.js';
import { compactAnswer } from '../../answer-compact.js';
import { checkCertificate, checkProof, type JpkiTrust } from './card-check.js';
import type { ChallengeStore } from './challenges.js';
import type { Register, RegisterEntry } from './register.js';
import type { ReferenceBook } from './reference-numbers.js';
import type { BulkStore } from './bulk.js';

export interface Reply { readonly status: number; readonly body: unknown }

export interface ServiceState {
  readonly register: Register;
  readonly trust: JpkiTrust;
  readonly challenges: ChallengeStore;
  readonly now: () => Date;
  /** Register ids whose cards were registered for insurance use at a reader since start. */
  readonly registeredAtReader: Set<string>;
  /** 照会番号 per institution (reference-numbers.ts). */
  readonly references: ReferenceBook;
  /** Asynchronous 一括照会 uploads (bulk.ts). */
  readonly bulk: BulkStore<NumberAsk>;
}

/** The person a qualification belongs to: all of a card holder's qualifications share one. */
const personOf = (entry: RegisterEntry): string => entry.holder ?? entry.id;

function header(via: 'card' | 'number', now: Date, error?: ServiceErrorCode): HeaderBody {
  return {
    processExecutionTime: isoOf(now),
    referenceClassification: via === 'card' ? '1' : '2',
    segmentOfResult: error ? '3' : '1',
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

export function byCard(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.cardInquiry(input)) return refuse('card', now, 'BAD_REQUEST', 400);
  // Grace period: an expired certificate (< 3 months) serves an inquiry that asks for the
  // insurance alone (no drug, check-up or medical information).
  const insuranceOnly = MEDICAL_INFO_ITEMS.every((item) => input.consents[item] !== true);
  const verdict = checkCertificate(Buffer.from(input.certificate, 'base64'), state.trust, now, insuranceOnly);
  if (!verdict.ok) return refuse('card', now, verdict.error);
  // A PIN and a phone both prove possession of the key by signing the challenge.
  if ((input.method === 'pin' || input.method === 'smartphone') && !input.proof) return refuse('card', now, 'PROOF_REQUIRED');
  if (input.proof) {
    if (!state.challenges.use(input.proof.challenge, verdict.certificate.serialNumber, now.getTime())) return refuse('card', now, 'CHALLENGE_UNKNOWN');
    if (!checkProof(verdict.certificate, input.proof.challenge, Buffer.from(input.proof.signature, 'base64'))) return refuse('card', now, 'PROOF_INVALID');
  }
  let entries = verdict.holder === undefined ? [] : state.register.byHolder(verdict.holder);
  const holder = verdict.holder;
  if (holder !== undefined && entries[0] && !entries[0].cardRegistered) {
    // 保険証利用登録 at the reader: from now on this card answers as registered.
    if (input.registerInsuranceUse) state.registeredAtReader.add(holder);
    if (state.registeredAtReader.has(holder)) entries = entries.map((e) => ({ ...e, cardRegistered: true }));
  }
  const consents: Consents = input.consents;
  // The real service warns when the card's certificate ends within 3 months (magellan3 eWatcher.js).
  const left = new Date(verdict.certificate.validTo).getTime() - now.getTime();
  const soon = left > 0 && left < 90 * 86400000;
  const ask: AskContext = {
    via: 'card', now, date: input.qualificationConfirmationDate ?? japanDate(now), consents, limitConsent: false,
    notices: soon ? [NOTICES.certExpiresSoon] : [],
    referenceNumber: entries[0] ? state.references.of(institution, personOf(entries[0])) : null,
  };
  return answered('card', now, holder !== undefined ? answerFor(entries, ask) : notRegistered(ask));
}

/** A normal answer, checked by the same rules the client applies (a bug here must not leak out). */
function answered(via: 'card' | 'number', now: Date, result: InquiryResponseBody['result']): Reply {
  const problem = result ? answerProblems(result)[0] : undefined;
  if (problem) return refuse(via, now, 'INTERNAL', 500);
  const body: InquiryResponseBody = { header: header(via, now), result };
  return { status: 200, body };
}

export type NumberAsk = {
  insurerNumber: string; symbol: string; number: string; branch: string; birthDate: string;
  qualificationConfirmationDate?: string; limitApplicationCertificateRelatedConsFlg?: '0' | '1';
};

function numberResult(state: ServiceState, input: NumberAsk, now: Date, today: string, institution: string) {
  const entry = state.register.byNumber(input);
  // A wrong birth date answers exactly like an unknown number: the service must not confirm that
  // an insurance number exists to someone who does not know whose it is.
  const known = entry && entry.person.birthDate === input.birthDate ? entry : undefined;
  const ask: AskContext = {
    via: 'number', now, date: input.qualificationConfirmationDate ?? today, consents: {},
    limitConsent: input.limitApplicationCertificateRelatedConsFlg === '1',
    referenceNumber: known ? state.references.of(institution, personOf(known)) : null,
  };
  return known ? answerFor([known], ask) : notFound(ask);
}

export function byNumber(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.numberInquiry(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  return answered('number', now, numberResult(state, input, now, japanDate(now), institution));
}

export function batch(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.batchInquiry(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  // One instant and one day for the whole request; items carry no header (all are normal answers).
  const today = japanDate(now);
  const body: BatchResponseBody = {
    header: header('number', now),
    items: input.items.map((item, index) => ({ index, result: compactAnswer(numberResult(state, item, now, today, institution)) })),
  };
  return { status: 200, body };
}

/** 照会番号 registration: the person named by insurance number and birth date gets the number (or,
 * with null, loses it) for this institution. */
export function registerReference(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.referenceRegistration(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  const entry = state.register.byNumber(input);
  if (!entry || entry.person.birthDate !== input.birthDate) return refuse('number', now, 'PERSON_UNKNOWN');
  const outcome = state.references.set(institution, personOf(entry), input.referenceNumber);
  if (!outcome.ok) return refuse('number', now, outcome.error, 409);
  const body: ReferenceRegistrationResponseBody = { header: header('number', now), referenceNumber: input.referenceNumber, previousReferenceNumber: outcome.previous };
  return { status: 200, body };
}

/** A check by 照会番号: answered like a by-number check of that person (all of their qualifications). */
export function byReference(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.referenceInquiry(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  const person = state.references.personOf(institution, input.referenceNumber);
  const entries = person === undefined ? [] : state.register.byHolder(person);
  if (entries.length === 0) return refuse('number', now, 'REFERENCE_UNKNOWN');
  const ask: AskContext = {
    via: 'number', now, date: input.qualificationConfirmationDate ?? japanDate(now), consents: {}, limitConsent: false,
    referenceNumber: input.referenceNumber,
  };
  return answered('number', now, answerFor(entries, ask));
}

/** 一括照会 upload: the patients are kept and answered at the service's pace; the reception number is the receipt. */
export function bulkUpload(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.bulkUpload(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  const receptionNumber = state.bulk.submit(institution, input.items, now.getTime());
  const body: BulkUploadResponseBody = { header: header('number', now), receptionNumber, total: input.items.length };
  return { status: 200, body };
}

/** 一括照会 results from `from` on (acknowledging those below); answered as of the upload's day. */
export function bulkFetch(state: ServiceState, input: unknown, institution: string): Reply {
  const now = state.now();
  if (!validators.bulkFetch(input)) return refuse('number', now, 'BAD_REQUEST', 400);
  const page = state.bulk.fetch(institution, input.receptionNumber, input.from, now.getTime());
  if ('error' in page) return refuse('number', now, page.error, page.error === 'RECEPTION_UNKNOWN' ? 404 : 410);
  const today = japanDate(now);
  const body: BulkFetchResponseBody = {
    header: { ...header('number', now), segmentOfResult: page.complete ? '1' : '2' },
    receptionNumber: input.receptionNumber,
    total: page.total,
    ready: page.ready,
    items: page.items.map(({ index, item }) => ({ index, result: compactAnswer(numberResult(state, item, now, today, institution)) })),
  };
  return { status: 200, body };
}
