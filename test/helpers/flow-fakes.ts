// Small in-memory stand-ins for the flow's unit tests. The real drivers and simulators have
// their own tests; these only let the flow's every outcome be reached on purpose.
import { answerFor, japanDate, notRegistered } from '../../drivers/line/sim/service/answers.js';
import { NAMED_PEOPLE } from '../../drivers/line/sim/service/named-people.js';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { CardKind, CardSession, CardToken, FacePhotoResult, PinStatus, PinVerifyResult, VerifyAndSignResult } from '../../drivers/card/card-reader.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';
import type { BatchItemResult, CardCheckRequest, EligibilityClient, EligibilityResult, NumberCheckRequest, ReferenceRegistered, ReferenceRegistration } from '../../drivers/line/eligibility.js';
import { GatewayError, type ResultCode } from '../../vocabulary/result-codes.js';

const never = <T>(signal?: AbortSignal) =>
  new Promise<T>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));

export interface FakeCardOptions {
  kind?: CardKind;
  token?: CardToken;
  /** A 顔認証マイナンバーカード: no PIN set. */
  pinless?: boolean;
  /** The certificate DER to hand out (default: a stub that does not parse). */
  certificate?: Buffer;
  pin?: string;
  triesLeft?: number;
  photo?: Buffer | null;
  /** Throw this code on the certificate read. */
  certError?: ResultCode;
  /** Never answer the certificate read. */
  hangCertificate?: boolean;
  /** Remove the card while the certificate is being read. */
  removeDuringRead?: boolean;
  /** The card answers "wrong key" to any 照合番号B (readFacePhotoWith). */
  refuseFaceKey?: boolean;
}

export class FakeCardSession implements CardSession {
  readonly atr = Buffer.from('3b8a0000', 'hex');
  readonly kind: CardKind;
  readonly token: CardToken;
  readonly #removed = new AbortController();
  readonly removed = this.#removed.signal;
  readonly verifies: number[] = [];
  readonly key = generateKeyPairSync('rsa', { modulusLength: 1024 });
  #triesLeft: number;
  #verified = false;

  constructor(private readonly options: FakeCardOptions = {}) {
    this.kind = options.kind ?? 'mynumber';
    this.token = options.token ?? 'card';
    this.#triesLeft = options.triesLeft ?? 3;
  }

  remove(): void {
    this.#removed.abort();
  }

  async readUserAuthCertificate(signal?: AbortSignal): Promise<Buffer> {
    if (this.options.certError) throw new GatewayError(this.options.certError, 'fake card error');
    if (this.options.removeDuringRead) {
      setImmediate(() => this.remove());
      return never(signal);
    }
    if (this.options.hangCertificate) return never(signal);
    return this.options.certificate ?? Buffer.from('3082000a', 'hex');
  }

  /** Face photo reads asked of this card. */
  photoReads = 0;

  async readFacePhoto(): Promise<Buffer | null> {
    this.photoReads++;
    return this.options.photo === undefined ? Buffer.from('jp2 photo') : this.options.photo;
  }

  async readFacePhotoWith(): Promise<FacePhotoResult> {
    if (this.options.refuseFaceKey) return { ok: false, reason: 'KEY_REFUSED', triesLeft: 9 };
    const photo = await this.readFacePhoto();
    return photo ? { ok: true, photo, format: 'jp2', bytesRead: photo.length } : { ok: false, reason: 'NO_CARD_FACE' };
  }

  async pinStatus(): Promise<PinStatus> {
    return this.options.pinless ? { state: 'none' } : { state: 'set', triesLeft: this.#triesLeft };
  }

  async pinTriesLeft(): Promise<number> {
    if (this.options.pinless) throw new GatewayError('IDENTITY_UNAVAILABLE', 'no PIN on this card');
    return this.#triesLeft;
  }

  async verifyPinAndSign(pin: PinDigits, sha256: Buffer): Promise<VerifyAndSignResult> {
    const verdict = await this.verifyPin(pin);
    if (!verdict.ok) return verdict;
    return { ok: true, signature: await this.signDigest(sha256) };
  }

  async verifyPin(pin: PinDigits): Promise<PinVerifyResult> {
    const digits = pin.consume().toString('ascii');
    this.verifies.push(Date.now());
    if (this.#triesLeft <= 0) return { ok: false, triesLeft: 0 };
    if (digits === (this.options.pin ?? '1234')) {
      this.#triesLeft = 3;
      this.#verified = true;
      return { ok: true };
    }
    this.#triesLeft -= 1;
    return { ok: false, triesLeft: this.#triesLeft };
  }

  async signDigest(sha256: Buffer): Promise<Buffer> {
    // A phone's key is usable once the phone has authenticated its user itself.
    if (!this.#verified && this.token !== 'smartphone') throw new GatewayError('CARD_ERROR', 'security status not satisfied');
    return sign(null, Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), sha256]), {
      key: this.key.privateKey,
      padding: 1,
    });
  }
}

export type LineScenario = 'valid' | 'invalid' | 'unregistered' | ResultCode | 'hang';

export class FakeLine implements EligibilityClient {
  readonly requests: CardCheckRequest[] = [];
  constructor(public scenario: LineScenario = 'valid') {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async challenge(): Promise<string> {
    return 'challenge-123';
  }
  async checkByCard(request: CardCheckRequest, signal?: AbortSignal): Promise<EligibilityResult> {
    this.requests.push(request);
    if (this.scenario === 'hang') return never(signal);
    if (this.scenario !== 'valid' && this.scenario !== 'invalid' && this.scenario !== 'unregistered') {
      throw new GatewayError(this.scenario, 'fake line failure');
    }
    return fakeResult(this.scenario);
  }
  async checkByNumber(_request: NumberCheckRequest): Promise<EligibilityResult> {
    return fakeResult('valid');
  }
  async checkBatch(requests: readonly NumberCheckRequest[]): Promise<BatchItemResult[]> {
    return requests.map((_, index) => ({ index, ok: true as const, result: fakeResult('valid') }));
  }
  /** 照会番号 registrations asked for (the fake keeps them: a check-in test can see what was sent). */
  readonly registrations: ReferenceRegistration[] = [];
  async registerReferenceNumber(registration: ReferenceRegistration): Promise<ReferenceRegistered> {
    this.registrations.push(registration);
    return { referenceNumber: registration.referenceNumber, previousReferenceNumber: null };
  }
  async checkByReference(referenceNumber: string): Promise<EligibilityResult> {
    return { ...fakeResult('valid'), referenceNumber };
  }
  health() {
    return { ok: true, detail: 'fake', breaker: 'closed' as const };
  }
}

/** A real-shaped answer, built by the reference service's own rules from its named people. */
export function fakeResult(kind: 'valid' | 'invalid' | 'unregistered'): EligibilityResult {
  const now = new Date();
  const consents = { drugInfo: true, checkupInfo: true, medicalInfo: false, limitCertificate: true, specificDisease: true };
  const ask = { via: 'card' as const, now, date: japanDate(now), consents, limitConsent: false };
  if (kind === 'unregistered') return notRegistered(ask);
  const who = NAMED_PEOPLE.find((e) => e.id === (kind === 'valid' ? 'yamada-taro' : 'kato-akira'));
  if (!who) throw new Error('named person missing');
  return answerFor([who], ask);
}

export function digestOf(challenge: string): Buffer {
  return createHash('sha256').update(challenge, 'utf8').digest();
}
