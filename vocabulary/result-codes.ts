// The one list of outcomes. The flow ends every check-in with exactly one of these; the panel,
// the MQTT payloads (schemas/*.json enumerate the same codes) and `oqsgw codes` (the list for docs) use them.

export interface ResultCodeInfo {
  /** Shown to the patient on the reader (Japanese first, English fallback). */
  readonly ja: string;
  readonly en: string;
  /** What the front desk should do; goes into logs and the check-in event. */
  readonly action: string;
  /** True when the patient may simply try again at the reader. */
  readonly retryable: boolean;
}

export const RESULT_CODES = {
  ELIGIBLE: { ja: '資格が確認できました', en: 'Insurance confirmed', action: 'none', retryable: false },
  NOT_ELIGIBLE: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Insurance not valid: ask for another proof of insurance', retryable: false },
  NEWER_INSURANCE: { ja: '新しい保険証の情報をお持ちください', en: 'Please show your newer insurance', action: 'Insurance replaced (資格有効性 3): ask the patient for the newer insurance and check it', retryable: false },
  MULTIPLE_MATCHES: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Several valid insurances found (複数該当): ask the patient which one applies', retryable: false },
  WELFARE_NOT_REGISTERED: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Public assistance (医療扶助) valid but not registered by the welfare office yet: ask for the paper 医療券 and call the welfare office', retryable: false },
  NOT_REGISTERED: { ja: '保険証利用登録がされていません', en: 'Card not registered for insurance use', action: 'Help the patient register for insurance use at the reader', retryable: true },
  CARD_UNSUPPORTED: { ja: 'マイナンバーカードを置いてください', en: 'Please use your My Number card', action: 'The card is not a My Number card', retryable: true },
  CARD_REMOVED: { ja: 'カードが取り外されました', en: 'The card was removed', action: 'Ask the patient to place the card again and leave it until done', retryable: true },
  CARD_ERROR: { ja: 'カードを読み取れませんでした', en: 'The card could not be read', action: 'Place the card again; if it repeats, check the reader', retryable: true },
  CARD_TIMEOUT: { ja: 'カードの応答がありません', en: 'The card did not answer', action: 'Place the card again; if it repeats, check the reader', retryable: true },
  CERT_INVALID: { ja: '電子証明書が無効です', en: 'The card certificate is not valid', action: 'Certificate expired or revoked: the patient renews it at the municipal office', retryable: false },
  FACE_MISMATCH: { ja: '顔認証できませんでした', en: 'Face not recognised', action: 'Offer PIN entry or a visual check', retryable: true },
  FACE_TIMEOUT: { ja: '顔を確認できませんでした', en: 'No face seen in time', action: 'Offer PIN entry or a visual check', retryable: true },
  FACE_SPOOF: { ja: '顔認証できませんでした', en: 'Face not recognised', action: 'Possible photo or screen: check the patient in person', retryable: false },
  PIN_WRONG: { ja: '暗証番号が違います', en: 'Wrong PIN', action: 'The patient may try again; tries left are on the event', retryable: true },
  PIN_LOCKED: { ja: '暗証番号がロックされています', en: 'PIN locked', action: 'PIN locked: the patient resets it at the municipal office; use a visual check', retryable: false },
  PIN_CANCELLED: { ja: '暗証番号入力が中止されました', en: 'PIN entry cancelled', action: 'none', retryable: true },
  IDENTITY_UNAVAILABLE: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'No identity method left: use a visual check or the insurance number', retryable: false },
  CONSENT_TIMEOUT: { ja: '同意の確認が時間切れになりました', en: 'Consent questions timed out', action: 'Ask the patient to start again', retryable: true },
  CONSENT_CANCELLED: { ja: '中止しました', en: 'Cancelled', action: 'none', retryable: true },
  LINE_DOWN: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Eligibility line down: the check is queued and re-run when the line is back', retryable: true },
  LINE_TIMEOUT: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Eligibility service slow: the check is queued and re-run', retryable: true },
  LINE_ERROR: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Eligibility service answered with an error; see logs', retryable: true },
  PANEL_DOWN: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'The reader panel is not answering: check its cable', retryable: true },
  CAMERA_DOWN: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'The camera is not answering: offer PIN entry and check the camera', retryable: true },
  SHUTTING_DOWN: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'The gateway was stopping; place the card again when it is back', retryable: true },
  INTERNAL_ERROR: { ja: '受付窓口へお越しください', en: 'Please see the desk', action: 'Unexpected error: see logs and report it', retryable: true },
} as const satisfies Record<string, ResultCodeInfo>;

export type ResultCode = keyof typeof RESULT_CODES;
export const RESULT_CODE_LIST = Object.keys(RESULT_CODES) as ResultCode[];

/** An error that carries its outcome; drivers throw these so the flow needs no string matching. */
export class GatewayError extends Error {
  constructor(
    readonly code: ResultCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export function codeOf(error: unknown, fallback: ResultCode = 'INTERNAL_ERROR'): ResultCode {
  return error instanceof GatewayError ? error.code : fallback;
}
