// The reader panel's interface: the screen and keys the patient uses. The serial driver and the
// simulator implement it; the core only says what to show and asks for answers.
import type { EventEmitter } from 'node:events';
import type { ConsentItem, Consents } from '../../vocabulary/consent.js';
import type { FaceGuidance } from '../../vocabulary/face-guidance.js';
import type { FrontGuidance, PinReason } from '../../vocabulary/front-guidance.js';
import type { PinDigits } from '../../vocabulary/pin-digits.js';
import type { ResultCode } from '../../vocabulary/result-codes.js';

export type Screen =
  | { readonly kind: 'welcome' }
  | { readonly kind: 'reading-card' }
  | { readonly kind: 'look-at-camera'; readonly guidance?: FaceGuidance }
  /** The card's front is being read for 照合番号B (issue 13); `guidance` while it is not readable. */
  | { readonly kind: 'card-front'; readonly guidance?: FrontGuidance }
  | { readonly kind: 'please-wait' }
  /** `notice`: the card's user-authentication certificate ends within 3 months ('expiring') or ended
   * less than 3 months ago ('grace': this check-in served the insurance check only). */
  | { readonly kind: 'done'; readonly notice?: CertificateNotice }
  /** Something the patient must take to the desk; the panel words it from the code. */
  | { readonly kind: 'see-desk'; readonly code: ResultCode; readonly triesLeft?: number };

export type IdentityChoice = 'face' | 'pin';

export type CertificateNotice = 'certificate-expiring' | 'certificate-grace';

export type PinEntry = { readonly kind: 'pin'; readonly digits: PinDigits } | { readonly kind: 'cancel' };

export type ConsentAnswer = { readonly kind: 'answered'; readonly consents: Consents } | { readonly kind: 'cancel' };

/** 保険証利用登録: the patient's answer when asked to register the card for insurance use now. */
export type RegistrationAnswer = { readonly kind: 'register' } | { readonly kind: 'decline' } | { readonly kind: 'cancel' };

export interface ReaderPanelEvents {
  /** The link to the panel came up or went down (cable pulled, device gone). */
  link: [{ readonly up: boolean; readonly detail: string }];
  /** Staff pressed the assist key: they help the patient in front of the reader (card stays on it). */
  assist: [{ readonly active: boolean }];
}

/** Every ask rejects with `signal.reason` when its signal aborts (the screen is taken down), and
 * with GatewayError PANEL_DOWN when the link is down; show() also throws PANEL_DOWN then. */
export interface ReaderPanel extends EventEmitter<ReaderPanelEvents> {
  start(): Promise<void>;
  stop(): Promise<void>;
  show(screen: Screen): Promise<void>;
  /** Which identity method the patient picks; resolves 'face' where the reader does not ask. */
  askIdentityMethod(choices: readonly IdentityChoice[], signal: AbortSignal): Promise<IdentityChoice>;
  /** The PIN pad; tries left are shown to the patient, and `reason` (a detail line) when face match
   * could not be used with the card's front. */
  askPin(triesLeft: number, signal: AbortSignal, reason?: PinReason): Promise<PinEntry>;
  askConsent(items: readonly ConsentItem[], signal: AbortSignal): Promise<ConsentAnswer>;
  /** Asked when the service reports the card not registered for insurance use (保険証利用登録). */
  askRegistration(signal: AbortSignal): Promise<RegistrationAnswer>;
  /** True while staff assist at the reader; cleared when the panel shows 'welcome' (next patient).
   * The flow records it on the check-in. */
  readonly assisted: boolean;
  health(): { readonly ok: boolean; readonly detail: string };
}
