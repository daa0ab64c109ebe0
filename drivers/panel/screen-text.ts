// What the panel shows the patient, in Japanese with an English fallback. The gateway words every
// screen here and sends the text, so a panel (or the simulator) needs no text tables of its own.
// Outcome texts come from the one list in vocabulary/result-codes.ts; nothing here repeats them.
import type { ConsentItem } from '../../vocabulary/consent.js';
import type { FaceGuidance } from '../../vocabulary/face-guidance.js';
import type { FrontGuidance, PinReason } from '../../vocabulary/front-guidance.js';
import { RESULT_CODES } from '../../vocabulary/result-codes.js';
import type { CertificateNotice, IdentityChoice, Screen } from './reader-panel.js';

export interface Text {
  readonly ja: string;
  readonly en: string;
}

/** Fixed screens; 'see-desk' is worded from its result code. */
export const SCREEN_TEXTS = {
  welcome: { ja: 'マイナンバーカードを置いてください', en: 'Please place your My Number card' },
  'reading-card': { ja: 'カードを読み取っています。カードを置いたままお待ちください', en: 'Reading your card. Please leave it on the reader' },
  'look-at-camera': { ja: 'カメラを見てください', en: 'Please look at the camera' },
  'card-front': { ja: 'カードの表面を読み取っています', en: 'Reading the front of your card' },
  'please-wait': { ja: 'しばらくお待ちください', en: 'Please wait' },
  done: { ja: '受付が完了しました。カードをお取りください', en: 'Check-in complete. Please take your card' },
  'see-desk': { ja: '受付窓口へお越しください', en: 'Please see the desk' },
} as const satisfies Record<Screen['kind'], Text>;

/** Face guidance while looking at the camera. */
export const GUIDANCE_TEXTS = {
  'look-at-camera': { ja: 'カメラの正面を見てください', en: 'Please look straight at the camera' },
  'come-closer': { ja: 'もう少し近づいてください', en: 'Please come a little closer' },
  'move-back': { ja: '少し離れてください', en: 'Please step back a little' },
  'one-person-only': { ja: 'お一人ずつお願いします', en: 'One person at a time, please' },
  'hold-still': { ja: 'そのままお待ちください', en: 'Please hold still' },
  'more-light': { ja: '明るい場所でお願いします', en: 'Please move to a brighter spot' },
} as const satisfies Record<FaceGuidance, Text>;

/** Card-front guidance while 照合番号B is read off the front (issue 13). */
export const FRONT_GUIDANCE_TEXTS = {
  'place-flat': { ja: 'カードを表面を上にして、平らに置いてください', en: 'Please place the card flat, front side up' },
  'hold-still': { ja: 'カードを動かさずにお待ちください', en: 'Please keep the card still' },
} as const satisfies Record<FrontGuidance, Text>;

/** The PIN pad's detail line when face match could not be used with the card's front. */
export const PIN_REASON_TEXTS = {
  'front-unread': {
    ja: 'カードの表面を読み取れませんでした。暗証番号で本人確認をします',
    en: 'The front of your card could not be read. Please use your PIN',
  },
  'front-refused': {
    ja: 'カードの照合番号を確認できませんでした。暗証番号で本人確認をします',
    en: 'Your card could not be opened for face recognition. Please use your PIN',
  },
} as const satisfies Record<PinReason, Text>;

/** 同意 questions as the seed lists them. */
export const CONSENT_TEXTS = {
  drugInfo: { ja: '過去の薬剤情報を医師等に提供することに同意しますか', en: 'Share your past medication information with the doctor?' },
  checkupInfo: { ja: '過去の特定健診情報を医師等に提供することに同意しますか', en: 'Share your specific health check-up results with the doctor?' },
  medicalInfo: { ja: '過去の診療情報を医師等に提供することに同意しますか', en: 'Share your past medical treatment information with the doctor?' },
  limitCertificate: { ja: '限度額適用認定証等の情報を提供することに同意しますか', en: 'Share your limit certificate information (限度額適用認定証)?' },
  specificDisease: { ja: '特定疾病療養受療証の情報を提供することに同意しますか', en: 'Share your specific disease certificate information?' },
  operationInfo: { ja: '過去の手術情報を医師等に提供することに同意しますか', en: 'Share your past surgery information with the doctor?' },
  // 電子カルテ情報共有サービス (2025): one question per information kind; the real reader's wording is not public.
  diagnosisName: { ja: '電子カルテ情報共有サービスの傷病名を医師等が閲覧することに同意しますか', en: 'Let the doctor see your diagnoses (electronic record sharing)?' },
  infectiousInfo: { ja: '電子カルテ情報共有サービスの感染症情報を医師等が閲覧することに同意しますか', en: 'Let the doctor see your infectious disease information (electronic record sharing)?' },
  allergyInfo: { ja: '電子カルテ情報共有サービスのアレルギー等情報を医師等が閲覧することに同意しますか', en: 'Let the doctor see your allergy information (electronic record sharing)?' },
  contraindicationInfo: { ja: '電子カルテ情報共有サービスの薬剤アレルギー等情報を医師等が閲覧することに同意しますか', en: 'Let the doctor see your drug allergy information (electronic record sharing)?' },
  testInfo: { ja: '電子カルテ情報共有サービスの検査情報を医師等が閲覧することに同意しますか', en: 'Let the doctor see your test results (electronic record sharing)?' },
  prescriptionInfo: { ja: '電子カルテ情報共有サービスの処方情報を医師等が閲覧することに同意しますか', en: 'Let the doctor see your prescriptions (electronic record sharing)?' },
} as const satisfies Record<ConsentItem, Text>;

export const PROMPT_TEXTS = {
  identity: { ja: '本人確認の方法を選んでください', en: 'How would you like to confirm your identity?' },
  pin: { ja: '暗証番号（4桁）を入力してください', en: 'Please enter your 4-digit PIN' },
  registration: {
    ja: 'このカードは保険証利用登録がされていません。今すぐ登録しますか',
    en: 'This card is not registered for insurance use. Register it now?',
  },
} as const satisfies Record<string, Text>;

export const CHOICE_TEXTS = {
  face: { ja: '顔認証', en: 'Face' },
  pin: { ja: '暗証番号', en: 'PIN' },
} as const satisfies Record<IdentityChoice, Text>;

export const REGISTRATION_CHOICE_TEXTS = {
  register: { ja: '登録する', en: 'Register' },
  decline: { ja: '登録しない', en: 'Not now' },
} as const satisfies Record<'register' | 'decline', Text>;

/** The detail line of 'done' when the card's certificate needs the patient's attention (issue 12). */
export const NOTICE_TEXTS = {
  'certificate-expiring': {
    ja: '電子証明書の有効期限が3か月以内に切れます。市区町村の窓口で更新してください',
    en: 'Your card certificate expires within 3 months. Please renew it at your municipal office',
  },
  'certificate-grace': {
    ja: '電子証明書の有効期限が切れています。保険資格の確認のみ行いました。市区町村の窓口で更新してください',
    en: 'Your card certificate has expired: only your insurance was checked. Please renew it at your municipal office',
  },
} as const satisfies Record<CertificateNotice, Text>;

export function triesLeftText(triesLeft: number): Text {
  return { ja: `残り${triesLeft}回`, en: `${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left` };
}

/** The lines one screen shows: a headline and, where there is one, a detail line. */
export function screenText(screen: Screen): { readonly title: Text; readonly detail?: Text } {
  switch (screen.kind) {
    case 'look-at-camera':
      return screen.guidance ? { title: SCREEN_TEXTS['look-at-camera'], detail: GUIDANCE_TEXTS[screen.guidance] } : { title: SCREEN_TEXTS['look-at-camera'] };
    case 'card-front':
      return screen.guidance ? { title: SCREEN_TEXTS['card-front'], detail: FRONT_GUIDANCE_TEXTS[screen.guidance] } : { title: SCREEN_TEXTS['card-front'] };
    case 'see-desk': {
      const info = RESULT_CODES[screen.code];
      const reason = { ja: info.ja, en: info.en };
      if (screen.triesLeft === undefined) return { title: reason };
      const tries = triesLeftText(screen.triesLeft);
      return { title: reason, detail: tries };
    }
    case 'done':
      return screen.notice ? { title: SCREEN_TEXTS.done, detail: NOTICE_TEXTS[screen.notice] } : { title: SCREEN_TEXTS.done };
    default:
      return { title: SCREEN_TEXTS[screen.kind] };
  }
}

export function pick(text: Text, language: 'ja' | 'en'): string {
  return language === 'ja' ? `${text.ja} / ${text.en}` : `${text.en} / ${text.ja}`;
}
