// The national system's code tables for the qualification-check answer, code → label, as public
// client code reads them (sources per table; full citations in docs/eligibility.md). Codes stay
// strings exactly as the system writes them ('01', 'B01'): leading zeros are part of the code.

/** OQSCD006 資格有効性 (mbot-dev/magellan3 oqsFunc.js; hangilc/myclinic-ts onshi-codes.js lists 1–5). */
export const QUALIFICATION_VALIDITY = {
  '1': '有効',
  '2': '無効',
  '3': '無効（新しい資格あり）',
  '4': '該当資格なし',
  '5': '複数該当',
  '6': '有効（未登録）',
} as const;

/** OQSCD002 照会区分 (myclinic-ts onshi-codes.js; magellan3 oqsFunc.js). */
export const REFERENCE_CLASSIFICATION = { '1': 'マイナンバーカード', '2': '被保険者証情報' } as const;

/** OQSCD003 処理結果区分: 1/2 agreed by both sources; the error value is 3 in magellan3's comment
 * and 9 in myclinic-ts's table. We send 3 and read 3 and 9 as an error (docs/eligibility.md). */
export const SEGMENT_OF_RESULT = { '1': '正常終了', '2': '処理中', '3': '異常終了', '9': '異常終了' } as const;

/** OQSCD004 処理結果状況 (per answer/person; myclinic-ts, magellan3). */
export const PROCESSING_RESULT_STATUS = { '1': '正常終了', '2': '異常終了' } as const;

/** OQSCD007 性別 (Sex1, Sex2). */
export const SEX = { '1': '男', '2': '女', '3': '未設定' } as const;

/** OQSCD009 本人・家族の別 (absent for 後期高齢者). */
export const PERSONAL_FAMILY = { '1': '本人', '2': '家族' } as const;

/** OQSCD010 被保険者証区分 (myclinic-ts 01–07; magellan3 adds A1 医療扶助). */
export const INSURED_CARD_CLASSIFICATION = {
  '01': '被保険者証（一般）',
  '02': '被保険者証（退職）',
  '03': '短期被保険者証（一般）',
  '04': '短期被保険者証（退職）',
  '05': '被保険者資格証明書',
  '06': '特例退職被保険者証',
  '07': '自衛官診療証',
  A1: '医療扶助',
} as const;

/** 未就学区分 (magellan3 eWatcher.js / oqsFunc.js). */
export const PRESCHOOL = { '1': '未就学', '2': '就学中' } as const;

/** 資格喪失事由 (magellan3 eWatcher.js comment). */
export const REASON_OF_LOSS = { '01': '死亡', '02': '生活保護受給開始', '03': '医療保険等の資格取得', '99': 'その他' } as const;

/** OQSCD001 限度額適用認定証提供同意フラグ. */
export const LIMIT_CONSENT = { '0': '未同意', '1': '同意' } as const;

/** OQSCD011 限度額適用認定証区分. */
export const LIMIT_CLASSIFICATION = {
  '01': '限度額適用認定証',
  '02': '限度額適用・標準負担額減額認定証',
  '03': '標準負担額減額認定証',
} as const;

/** OQSCD012 限度額適用認定証適用区分: A0x under 70, B01–B10 for 70 and over. */
export const LIMIT_FLAG = {
  A01: 'ア', A02: 'イ', A03: 'ウ', A04: 'エ', A05: 'オ', A06: 'オ（境）',
  B01: '現役並みⅢ', B02: '現役並みⅡ', B03: '現役並みⅠ', B04: '一般', B05: '低所得Ⅱ',
  B06: '低所得Ⅰ', B07: '低所得Ⅰ（老福）', B08: '低所得Ⅰ（境）', B09: '一般Ⅱ', B10: '一般Ⅰ',
} as const;

/** OQSCD016 閲覧同意フラグ (drug, check-up, diagnosis, surgery, 特定疾病). 2 only in the home-visit /
 * online-care interfaces, 3 only in the emergency interface (magellan3 oqsFunc.js). */
export const INFO_CONSENT = { '0': '同意なし', '1': '同意あり', '2': '同意有効期限切れ', '3': '同意取得困難' } as const;

/** 処方箋発行形態. The element is in magellan3's list; its code values are in no public source we
 * found: 1/2 are OUR assumption (docs/eligibility.md says so). */
export const PRESCRIPTION_ISSUE_SELECT = { '1': '電子処方箋', '2': '紙の処方箋' } as const;

/** 特定疾病療養受療証 認定疾病区分. The three 高額長期疾病 are the law's (健康保険法施行令 第41条);
 * the code values 01–03 are OUR assumption: no public source shows them. */
export const SPECIFIC_DISEASE_CATEGORY = {
  '01': '人工腎臓を実施している慢性腎不全',
  '02': '血漿分画製剤を投与している先天性血液凝固第Ⅷ因子障害又は第Ⅸ因子障害',
  '03': '抗ウイルス剤を投与している後天性免疫不全症候群',
} as const;

/** 医療券・調剤券別. Element in magellan3 / OQSDrug2; the values 1/2 are OUR assumption. */
export const TICKET_TYPE = { '1': '医療券', '2': '調剤券' } as const;

export type CodeTable = Readonly<Record<string, string>>;
export type CodeOf<T extends CodeTable> = Extract<keyof T, string>;

export function labelOf<T extends CodeTable>(table: T, code: CodeOf<T>): T[CodeOf<T>];
export function labelOf<T extends CodeTable>(table: T, code: CodeOf<T> | null): T[CodeOf<T>] | null;
export function labelOf<T extends CodeTable>(table: T, code: CodeOf<T> | null): T[CodeOf<T>] | null {
  return code === null ? null : table[code];
}
