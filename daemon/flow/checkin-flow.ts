// One check-in, card placed to result committed, in the order the README's "One check-in" section gives:
// certificate -> identity (face, PIN, visual) -> consent -> eligibility -> committed -> shown.
// Every step ends in a result code; nothing here outlives the card (no patient data is kept).
import { createHash } from 'node:crypto';
import type { CardSession } from '../../drivers/card/card-reader.js';
import type { FaceMatcher } from '../../drivers/face/face-matcher.js';
import type { FrontKeySource } from '../../drivers/card/front/front-key-source.js';
import type { ReaderPanel } from '../../drivers/panel/reader-panel.js';
import type { FlowConfig } from './config.js';
import { MEDICAL_INFO_ITEMS, type ConsentItem, type Consents } from '../../vocabulary/consent.js';
import { standingOf } from '../../drivers/card/card-reader.js';
import type { IdentityMethod } from '../../vocabulary/identity.js';
import type { FrontGuidance, PinReason } from '../../vocabulary/front-guidance.js';
import { codeOfAnswer, type CardCheckRequest, type EligibilityClient, type EligibilityResult } from '../../drivers/line/eligibility.js';
import type { Logger } from '../../vocabulary/log.js';
import { GatewayError, codeOf, type ResultCode } from '../../vocabulary/result-codes.js';
import type { CheckinEvent, CheckinOutcome, FaceKeyFailure, FaceKeySource } from './checkin-event.js';
import { step, type StepContext } from './steps.js';
import { startFrontRead, type EarlyFront } from './early-front.js';

/** Reader states published on <base>/readers/<id>/state (no patient data); 'error' is for the
 * devices (reader gone, panel link down), set by the gateway, never by a patient's outcome. */
export type ReaderState = 'idle' | 'card' | 'face' | 'pin' | 'consent' | 'querying' | 'done' | 'error';

export interface FlowDeps {
  readonly config: FlowConfig;
  readonly panel: ReaderPanel;
  readonly face: FaceMatcher;
  readonly line: EligibilityClient;
  readonly logger: Logger;
  readonly shutdown: AbortSignal;
  setState(state: ReaderState): void;
  /** Stores the finished check-in durably (the outbox) and returns it; must not resolve before it is on disk. */
  commit(outcome: CheckinOutcome, startedAt: number): Promise<CheckinEvent>;
  /** The clock (tests); Date.now by default. */
  now?(): number;
  /** Staff confirms the patient's face against the card (目視確認); absent where not configured. */
  confirmVisually?(signal: AbortSignal): Promise<boolean>;
  /** 照合番号B from a picture of the card front (card.front); absent when no front source is configured. */
  readonly front?: FrontKeySource;
}

/** What a certificate in its grace period may not be used for (issue 12): every medical-information item. */
const GRACE_WITHHELD: readonly ConsentItem[] = MEDICAL_INFO_ITEMS;

type Identity = { method: IdentityMethod; proof?: CardCheckRequest['proof'] };

/** What the identity step learnt on the way, for the check-in event whatever its outcome. */
interface IdentityNotes {
  face: CheckinOutcome['face'];
  faceKey?: FaceKeySource;
  faceKeyFailure?: FaceKeyFailure;
}

class Ended extends Error {
  constructor(readonly outcome: Partial<CheckinOutcome> & { code: ResultCode }) {
    super(outcome.code);
  }
}

export async function runCheckin(session: CardSession, deps: FlowDeps): Promise<CheckinEvent> {
  const startedAt = Date.now();
  const ctx: StepContext = { cardRemoved: session.removed, shutdown: deps.shutdown };
  const { config, panel } = deps;
  const notes: IdentityNotes = { face: null };
  let consents: Consents = {};
  let method: IdentityMethod | null = null;
  let request: CardCheckRequest | null = null;
  let pendingRequest: CardCheckRequest | undefined;
  let registeredAtReader = false;
  let certificateNote: CheckinOutcome['certificate'];
  const assisted = panel.assisted;
  let outcome: CheckinOutcome;

  try {
    deps.setState('card');
    if (session.kind !== 'mynumber') throw new Ended({ code: 'CARD_UNSUPPORTED' });
    await panel.show({ kind: 'reading-card' });
    const certificate = await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.readUserAuthCertificate(s));
    const standing = standingOf(certificate, new Date(deps.now?.() ?? Date.now()));
    if (standing === 'grace' || standing === 'expiring') certificateNote = { standing };

    const identity = await identify(session, deps, ctx, notes, certificate);
    method = identity.method;

    deps.setState('consent');
    // Grace period: an expired certificate (< 3 months) serves the insurance check only, so the
    // drug, check-up and medical information are neither asked nor consented.
    const items = certificateNote?.standing === 'grace' ? config.consentItems.filter((i) => !GRACE_WITHHELD.includes(i)) : config.consentItems;
    const answer = await step(ctx, config.consentTimeoutMs, 'CONSENT_TIMEOUT', (s) => panel.askConsent(items, s));
    if (answer.kind === 'cancel') throw new Ended({ code: 'CONSENT_CANCELLED' });
    consents = certificateNote?.standing === 'grace'
      ? Object.fromEntries(Object.entries(answer.consents).filter(([k]) => !GRACE_WITHHELD.includes(k as ConsentItem))) as Consents
      : answer.consents;

    deps.setState('querying');
    await panel.show({ kind: 'please-wait' });
    request = { certificate, method, consents, ...(identity.proof ? { proof: identity.proof } : {}) };
    const query = (r: CardCheckRequest) => step(ctx, config.lineTimeoutMs, 'LINE_TIMEOUT', (s) => deps.line.checkByCard(r, s));
    let eligibility = await query(request);
    if (!eligibility.registered) {
      // 保険証利用登録 at the reader: only when the patient asks for it on the panel.
      const answer = await step(ctx, config.consentTimeoutMs, 'CONSENT_TIMEOUT', (s) => panel.askRegistration(s));
      if (answer.kind === 'register') {
        await panel.show({ kind: 'please-wait' });
        eligibility = await query({ ...request, registerInsuranceUse: true });
        registeredAtReader = eligibility.registered;
      }
    }
    outcome = { code: eligibilityCode(eligibility), token: session.token, ...(certificateNote ? { certificate: certificateNote } : {}), method, ...noted(notes), consents, eligibility, registeredAtReader };
  } catch (error) {
    const ended = error instanceof Ended ? error.outcome : { code: codeOf(error) };
    if (request && (ended.code === 'LINE_DOWN' || ended.code === 'LINE_TIMEOUT')) pendingRequest = request;
    if (!(error instanceof Ended) && !(error instanceof GatewayError)) {
      deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'check-in failed unexpectedly');
    }
    // No identity, no eligibility: an ended check-in carries no patient data.
    outcome = { method, ...noted(notes), consents, eligibility: null, ...(session.kind === 'mynumber' ? { token: session.token } : {}), ...ended, ...(pendingRequest ? { pendingRequest } : {}) };
  }
  outcome = { ...outcome, assisted: assisted || panel.assisted };

  const event = await deps.commit(outcome, startedAt);
  deps.logger.info({ eventId: event.eventId, code: outcome.code, method: outcome.method, ms: event.durationMs }, 'check-in finished');
  // 'done' whatever the outcome: the result is on the check-in event. The reader state 'error'
  // means the hardware (reader, panel) is in trouble, not that this patient's check failed.
  deps.setState('done');
  await panel
    .show(outcome.code === 'ELIGIBLE' ? { kind: 'done', ...(certificateNote ? { notice: certificateNote.standing === 'grace' ? 'certificate-grace' : 'certificate-expiring' } : {}) } : { kind: 'see-desk', code: outcome.code, ...(outcome.triesLeft !== undefined ? { triesLeft: outcome.triesLeft } : {}) })
    .catch((error: unknown) => deps.logger.warn({ err: String(error) }, 'panel did not show the result'));
  return event;
}

function noted(notes: IdentityNotes): Pick<CheckinOutcome, 'face' | 'faceKey' | 'faceKeyFailure'> {
  return { face: notes.face, ...(notes.faceKey ? { faceKey: notes.faceKey } : {}), ...(notes.faceKeyFailure ? { faceKeyFailure: notes.faceKeyFailure } : {}) };
}

function eligibilityCode(result: EligibilityResult): ResultCode {
  return codeOfAnswer(result);
}

async function identify(
  session: CardSession,
  deps: FlowDeps,
  ctx: StepContext,
  notes: IdentityNotes,
  certificate?: Buffer,
): Promise<Identity> {
  const { config, panel } = deps;
  // A phone has no chip photo and authenticates its user itself: no face step, no PIN pad; its key
  // proves possession by signing the service's challenge.
  if (session.token === 'smartphone') return { method: 'smartphone', proof: await phoneProof(session, deps, ctx) };
  let offered: readonly IdentityMethod[] = config.identityMethods;
  // The card front is read from now on, while the PIN status is read and the patient chooses.
  const early = deps.front && certificate && offered.includes('face') ? startFrontRead(deps.front, certificate, ctx) : undefined;
  try {
    return await identifyWith(session, deps, ctx, notes, offered, early);
  } finally {
    early?.stop();
  }
}

async function identifyWith(
  session: CardSession,
  deps: FlowDeps,
  ctx: StepContext,
  notes: IdentityNotes,
  offeredMethods: readonly IdentityMethod[],
  early: EarlyFront | undefined,
): Promise<Identity> {
  const { config, panel } = deps;
  let offered = offeredMethods;
  if (offered.includes('pin')) {
    // A 顔認証マイナンバーカード has no PIN: the panel must not offer that route at all.
    const status = await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.pinStatus(s));
    if (status.state === 'none') offered = offered.filter((m) => m !== 'pin');
  }
  let methods = [...offered];
  if (offered.includes('face') && offered.includes('pin')) {
    const choice = await step(ctx, config.pinTimeoutMs, 'IDENTITY_UNAVAILABLE', (s) => panel.askIdentityMethod(['face', 'pin'], s));
    if (choice === 'pin') {
      methods = methods.filter((m) => m !== 'face');
      early?.stop();
    }
  }

  let last: Ended | null = null;
  for (const method of methods) {
    try {
      if (method === 'face') {
        const face = await faceMatch(session, deps, ctx, notes, early);
        notes.face = face;
        if (face.decision === 'match') return { method };
        if (face.decision === 'spoof') throw new Ended({ code: 'FACE_SPOOF' }); // no fallback for a presentation attack
        last = new Ended({ code: face.decision === 'no-face' ? 'FACE_TIMEOUT' : 'FACE_MISMATCH' });
      } else if (method === 'pin') {
        return { method, proof: await pinPath(session, deps, ctx, pinReasonOf(notes.faceKeyFailure)) };
      } else if (deps.confirmVisually) {
        const ok = await step(ctx, config.pinTimeoutMs, 'IDENTITY_UNAVAILABLE', (s) => deps.confirmVisually!(s));
        if (ok) return { method };
        last = new Ended({ code: 'IDENTITY_UNAVAILABLE' });
      }
    } catch (error) {
      // A camera that fails, or no usable face in time (card photo or live), is not the end of
      // the visit: fall through to the next method (the PIN pad).
      if (error instanceof GatewayError && (error.code === 'CAMERA_DOWN' || error.code === 'FACE_TIMEOUT')) {
        last = new Ended({ code: error.code });
        continue;
      }
      throw error;
    }
  }
  throw last ?? new Ended({ code: 'IDENTITY_UNAVAILABLE' });
}

async function faceMatch(session: CardSession, deps: FlowDeps, ctx: StepContext, notes: IdentityNotes, early: EarlyFront | undefined) {
  const { config, panel, face } = deps;
  deps.setState('face');
  const byFront = deps.front !== undefined && early !== undefined;
  const photo = deps.front && early ? await photoByFront(session, deps.front, early, deps, ctx, notes) : await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.readFacePhoto(s));
  if (!photo) throw new GatewayError('CAMERA_DOWN', 'No face photo on this card; another method is needed');
  notes.faceKey = byFront ? 'front-ocr' : 'reader';
  await panel.show({ kind: 'look-at-camera' });
  const reference = await step(ctx, config.faceTimeoutMs, 'FACE_TIMEOUT', (s) => face.enrol(photo, s));
  try {
    const result = await step(ctx, config.faceTimeoutMs + 1000, 'FACE_TIMEOUT', (s) =>
      face.match(reference, {
        timeoutMs: config.faceTimeoutMs,
        signal: s,
        onGuidance: (guidance) => void panel.show({ kind: 'look-at-camera', guidance }).catch(() => {}),
      }),
    );
    return { decision: result.decision, score: result.score, threshold: result.threshold };
  } finally {
    reference.dispose();
  }
}

/**
 * The card's photo opened with 照合番号B read off the card front (issue 13; the face camera is
 * already open, started with the gateway); no key, or a key the card refuses, ends the face attempt with
 * CAMERA_DOWN and a named reason, and the flow falls back to the PIN. A refused key is remembered
 * for that card and never presented again.
 */
async function photoByFront(session: CardSession, front: FrontKeySource, early: EarlyFront, deps: FlowDeps, ctx: StepContext, notes: IdentityNotes): Promise<Buffer | null> {
  const { config, panel } = deps;
  await panel.show({ kind: 'card-front' }).catch(() => {});
  // The patient is told what to do while the front is not readable (place it flat / keep it
  // still); shown only when the advice changes, not on every frame.
  let shown: FrontGuidance | undefined;
  const guide = (g: FrontGuidance): void => {
    if (g === shown) return;
    shown = g;
    void panel.show({ kind: 'card-front', guidance: g }).catch(() => {});
  };
  early.follow(guide);
  // The read started with the identity step (early-front.ts); its time limit runs from there.
  const read = await step(ctx, front.timeLimitMs + 2000, 'CAMERA_DOWN', () => early.result);
  if (!read.ok) {
    notes.faceKeyFailure = read.why;
    throw new GatewayError('CAMERA_DOWN', `card front: ${read.why}`, { front: read.why, frames: read.frames });
  }
  const opened = await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.readFacePhotoWith(read.key, s));
  if (opened.ok) return opened.photo;
  if (opened.reason === 'KEY_REFUSED' || opened.reason === 'KEY_LOCKED') {
    front.refused(early.certificate, read.key);
    notes.faceKeyFailure = opened.reason;
  }
  throw new GatewayError('CAMERA_DOWN', `card front: the card refused the key read (${opened.reason})`, { front: opened.reason });
}

/** PIN entry and VERIFY, then the card signs the service's challenge (proof of possession). */
function pinReasonOf(failure: FaceKeyFailure | undefined): PinReason | undefined {
  if (failure === undefined) return undefined;
  return failure === 'KEY_REFUSED' || failure === 'KEY_LOCKED' || failure === 'FRONT_KEY_REFUSED_BEFORE' ? 'front-refused' : 'front-unread';
}

async function pinPath(session: CardSession, deps: FlowDeps, ctx: StepContext, reason?: PinReason): Promise<CardCheckRequest['proof']> {
  const { config, panel } = deps;
  deps.setState('pin');
  let triesLeft = await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.pinTriesLeft(s));
  let challenge: string | null = null;
  for (let attempt = 0; ; attempt++) {
    if (triesLeft <= 0) throw new Ended({ code: 'PIN_LOCKED', triesLeft: 0 });
    if (attempt >= config.pinAttemptsPerVisit) throw new Ended({ code: 'PIN_WRONG', triesLeft });
    // Why the pad came up instead of face match, on the first ask only (later asks are about tries).
    const why = attempt === 0 ? reason : undefined;
    const entry = await step(ctx, config.pinTimeoutMs, 'PIN_CANCELLED', (s) => panel.askPin(triesLeft, s, why));
    if (entry.kind === 'cancel') throw new Ended({ code: 'PIN_CANCELLED' });
    // The challenge first, so that VERIFY and the signature are one card operation (held
    // exclusively, the verified state cleared after it): nobody can use the key in between.
    challenge ??= await step(ctx, config.lineTimeoutMs, 'LINE_TIMEOUT', (s) => deps.line.challenge(s));
    const digest = createHash('sha256').update(challenge, 'utf8').digest();
    // One VERIFY per PIN the patient typed (invariant 2); the digits are consumed by the driver.
    const verdict = await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.verifyPinAndSign(entry.digits, digest, s));
    if (verdict.ok) return { challenge, signature: verdict.signature };
    triesLeft = verdict.triesLeft;
  }
}

/** A smartphone signs the service's challenge with its user-authentication key; no VERIFY is sent
 * (the phone has authenticated its user itself). */
async function phoneProof(session: CardSession, deps: FlowDeps, ctx: StepContext): Promise<CardCheckRequest['proof']> {
  const { config } = deps;
  const challenge = await step(ctx, config.lineTimeoutMs, 'LINE_TIMEOUT', (s) => deps.line.challenge(s));
  const digest = createHash('sha256').update(challenge, 'utf8').digest();
  const signature = await step(ctx, config.cardReadTimeoutMs, 'CARD_TIMEOUT', (s) => session.signDigest(digest, s));
  return { challenge, signature };
}
