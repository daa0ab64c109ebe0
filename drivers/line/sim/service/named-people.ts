// The register's named people: the ones the test PKI issues card certificates for (same ids as
// var/pki/manifest.json), plus a few reachable only by insurance number. Tests and the demo name
// them; each shows one kind of answer. See docs/eligibility.md for the table.
import { withCheckDigit } from './insurer-number.js';
import type { RegisterEntry, RegisterPerson } from './register-entry.js';

const KYOKAI_TOKYO = withCheckDigit('0113001'); // 協会けんぽ 東京支部 (01130012)
const KYOKAI_AICHI = withCheckDigit('0123001');
const KUMIAI_OSAKA = withCheckDigit('0627123'); // a 健康保険組合 in Osaka
const KOKUHO_OSAKA_KITA = withCheckDigit('27100'); // 大阪市 国保 (6 digits: no 法別番号)
const KOUKI_TOKYO = withCheckDigit('3913001'); // 後期高齢者医療広域連合 (synthetic number)

const base = {
  cardClass: '01', insurerName: '全国健康保険協会東京支部', personFamily: 'self', headOfHousehold: null, nameOfOther: null,
  sex: 'male', copayRatio: 30, validUntil: null, elderlyCopayRatio: null, limitCertificate: null, specificDiseases: [],
} as const;

function entry(id: string, person: RegisterPerson, more: Partial<Omit<RegisterEntry, 'id' | 'person'>> = {}): RegisterEntry {
  return { id, person, qualification: 'valid', reasonOfLoss: null, cardRegistered: true, household: id, ...more };
}

export const NAMED_PEOPLE: readonly RegisterEntry[] = [
  // Valid, insured person himself: the everyday case.
  entry('yamada-taro', {
    ...base, insurance: { insurerNumber: KYOKAI_TOKYO, symbol: '1010', number: '2345', branch: '00' },
    name: '山田　太郎', nameKana: 'ヤマダ　タロウ', birthDate: '1980-05-12',
    address: '東京都千代田区丸の内一丁目2番3号', postcode: '100-0005', validFrom: '2015-04-01',
  }, { prescription: '1' }),
  // Valid, with a limit certificate and a specific-disease certificate (shown with consent only).
  entry('sato-hanako', {
    ...base, insurerName: '大阪市', headOfHousehold: '佐藤　花子', sex: 'female',
    insurance: { insurerNumber: KOKUHO_OSAKA_KITA, symbol: '北12', number: '345678', branch: '00' },
    name: '佐藤　花子', nameKana: 'サトウ　ハナコ', birthDate: '1958-11-03',
    address: '大阪府大阪市北区梅田三丁目1番1号', postcode: '530-0001', validFrom: '2019-04-01',
    limitCertificate: { flag: 'A03', classification: '01', longTermCareDate: null },
    specificDiseases: [{ category: '01', selfPayYen: 10000, validFrom: '2019-06-01' }],
  }, { prescription: '2' }),
  // 70–74: elderly recipient certificate (高齢受給者証), 20 % copay, 限度額 一般Ⅱ (B09). His card
  // finds two qualifications at once (the 国保 below was not closed when he joined the 組合):
  // QualificationValidity 5 複数該当.
  entry('suzuki-ichiro', {
    ...base, insurerName: '大阪南健康保険組合', limitCertificate: { flag: 'B09', classification: '01', longTermCareDate: null }, insurance: { insurerNumber: KUMIAI_OSAKA, symbol: '88', number: '1024', branch: '00' },
    name: '鈴木　一郎', nameKana: 'スズキ　イチロウ', birthDate: '1953-08-20',
    address: '大阪府堺市堺区南瓦町2番1号', postcode: '590-0078', validFrom: '2010-10-01',
    copayRatio: 20, elderlyCopayRatio: 20,
  }),
  entry('suzuki-ichiro-kokuho', {
    ...base, insurerName: '堺市', headOfHousehold: '鈴木　一郎', insurance: { insurerNumber: withCheckDigit('27140'), symbol: '堺01', number: '55501', branch: '00' },
    name: '鈴木　一郎', nameKana: 'スズキ　イチロウ', birthDate: '1953-08-20',
    address: '大阪府堺市堺区南瓦町2番1号', postcode: '590-0078', validFrom: '2018-08-20',
    copayRatio: 20, elderlyCopayRatio: 20,
  }, { holder: 'suzuki-ichiro', household: 'suzuki-ichiro' }),
  // Qualification lost on 2025-10-01 when she joined her new employer's insurance:
  // QualificationValidity 3 無効（新しい資格あり）; a check dated before then answers 1 有効.
  entry('tanaka-yuki', {
    ...base, sex: 'female', insurance: { insurerNumber: KYOKAI_AICHI, symbol: '5201', number: '77', branch: '00' }, insurerName: '全国健康保険協会愛知支部',
    name: '田中　由紀', nameKana: 'タナカ　ユキ', birthDate: '1990-02-14',
    address: '愛知県名古屋市中村区名駅四丁目5番6号', postcode: '450-0002', validFrom: '2012-04-01', validUntil: '2025-09-30',
  }, { qualification: 'lost', reasonOfLoss: '03', newerInsurance: true }),
  // Insured and valid, but the card certificate is revoked (CRL): CERT_INVALID.
  entry('takahashi-ken', {
    ...base, insurance: { insurerNumber: KYOKAI_TOKYO, symbol: '1010', number: '3001', branch: '00' },
    name: '高橋　健', nameKana: 'タカハシ　ケン', birthDate: '1975-07-07',
    address: '東京都新宿区西新宿二丁目8番1号', postcode: '160-0023', validFrom: '2001-04-01',
  }),
  // Insured, but the card is not registered for insurance use (保険証利用登録なし).
  entry('ito-sakura', {
    ...base, sex: 'female', insurance: { insurerNumber: KYOKAI_TOKYO, symbol: '2020', number: '15', branch: '00' },
    name: '伊藤　さくら', nameKana: 'イトウ　サクラ', birthDate: '1995-04-01',
    address: '東京都世田谷区三軒茶屋一丁目1番1号', postcode: '154-0024', validFrom: '2018-04-01',
  }, { cardRegistered: false }),
  // A dependant (家族) under school age: 20 % copay. Her father follows, by number only.
  entry('watanabe-mei', {
    ...base, personFamily: 'family', sex: 'female', copayRatio: 20,
    insurance: { insurerNumber: KUMIAI_OSAKA, symbol: '88', number: '2048', branch: '02' }, insurerName: '大阪南健康保険組合',
    name: '渡辺　芽衣', nameKana: 'ワタナベ　メイ', birthDate: '2021-06-01',
    address: '大阪府大阪市北区梅田一丁目3番1号', postcode: '530-0001', validFrom: '2021-06-01',
  }, { household: 'watanabe' }),
  entry('watanabe-kenta', {
    ...base, insurance: { insurerNumber: KUMIAI_OSAKA, symbol: '88', number: '2048', branch: '00' }, insurerName: '大阪南健康保険組合',
    name: '渡辺　健太', nameKana: 'ワタナベ　ケンタ', birthDate: '1988-10-10',
    address: '大阪府大阪市北区梅田一丁目3番1号', postcode: '530-0001', validFrom: '2011-04-01',
  }, { household: 'watanabe' }),
  // Valid insurance; his card certificate expired in 2021: CERT_INVALID on the card path.
  entry('kobayashi-jiro', {
    ...base, insurance: { insurerNumber: KYOKAI_TOKYO, symbol: '3030', number: '404', branch: '00' },
    name: '小林　次郎', nameKana: 'コバヤシ　ジロウ', birthDate: '1969-01-20',
    address: '東京都練馬区石神井町三丁目3番3号', postcode: '177-0041', validFrom: '1992-04-01',
  }),
  // Valid; holds a smartphone with the スマホ用電子証明書 (マイナ保険証 on the phone): no chip photo.
  entry('kimura-sumaho', {
    ...base, insurance: { insurerNumber: KYOKAI_TOKYO, symbol: '1010', number: '5150', branch: '00' },
    name: '木村　翔', nameKana: 'キムラ　ショウ', birthDate: '1992-09-09',
    address: '東京都港区芝公園四丁目2番8号', postcode: '105-0011', validFrom: '2014-04-01',
  }),
  // Valid; her card is a 顔認証マイナンバーカード (no PIN set): face or a visual check only.
  entry('nakamura-kao', {
    ...base, sex: 'female', insurerName: '大阪市', headOfHousehold: '中村　佳織',
    insurance: { insurerNumber: KOKUHO_OSAKA_KITA, symbol: '北7', number: '778899', branch: '00' },
    name: '中村　佳織', nameKana: 'ナカムラ　カオリ', birthDate: '1938-12-01',
    address: '大阪府大阪市北区中之島一丁目3番20号', postcode: '530-0005', validFrom: '2003-04-01', copayRatio: 30,
  }),
  // 後期高齢者 whose certificate's validity ended (有効期限切れ): by number only.
  entry('kato-akira', {
    ...base, insurerName: '東京都後期高齢者医療広域連合', personFamily: null, copayRatio: 10,
    insurance: { insurerNumber: KOUKI_TOKYO, symbol: '', number: '10000001', branch: '00' },
    name: '加藤　明', nameKana: 'カトウ　アキラ', birthDate: '1945-03-03',
    address: '東京都練馬区石神井町一丁目1番1号', postcode: '177-0041', validFrom: '2020-03-03', validUntil: '2025-07-31',
  }, { qualification: 'expired' }),
  // 医療扶助 (public assistance): 公費負担者番号 12xxxxxx + 受給者番号; 医療券 and 調剤券 for every
  // treatment month from 2026-10 (a check for an earlier month finds no ticket). Holds a card (the
  // demo's 医療扶助 patient; online since 2024).
  entry('nakamura-fumiko', {
    ...base, cardClass: 'A1', insurerName: '大阪市北区保健福祉センター', personFamily: null, sex: 'female', copayRatio: 0,
    insurance: { insurerNumber: withCheckDigit('1227013'), symbol: '', number: '1234567', branch: '00' },
    name: '中村　文子', nameKana: 'ナカムラ　フミコ', birthDate: '1960-09-09',
    address: '大阪府大阪市北区中崎一丁目2番3号', postcode: '530-0016', validFrom: '2024-04-01',
    welfare: { welfareOffice: '大阪市北区保健福祉センター', registered: true, ticketsFrom: '2026-10' },
  }),
  // 医療扶助 recipient the welfare office has not registered yet: QualificationValidity 6 有効（未登録）.
  entry('kimura-shiro', {
    ...base, cardClass: 'A1', insurerName: '東京都新宿区福祉事務所', personFamily: null, copayRatio: 0,
    insurance: { insurerNumber: withCheckDigit('1213104'), symbol: '', number: '7654321', branch: '00' },
    name: '木村　四郎', nameKana: 'キムラ　シロウ', birthDate: '1972-12-12',
    address: '東京都新宿区歌舞伎町一丁目4番1号', postcode: '160-0021', validFrom: '2026-11-01',
    welfare: { welfareOffice: '東京都新宿区福祉事務所', registered: false, ticketsFrom: null },
  }),
];
