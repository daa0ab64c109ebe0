// Name and address material for the synthetic register. Common surnames and given names with their
// readings; towns with their postcodes. Everything generated from these is fictional.

export const SURNAMES: readonly (readonly [string, string])[] = [
  ['佐藤', 'サトウ'], ['鈴木', 'スズキ'], ['高橋', 'タカハシ'], ['田中', 'タナカ'], ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'], ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'], ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'],
  ['井上', 'イノウエ'], ['木村', 'キムラ'], ['林', 'ハヤシ'], ['斎藤', 'サイトウ'], ['清水', 'シミズ'],
  ['山崎', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'], ['阿部', 'アベ'],
  ['石川', 'イシカワ'], ['山下', 'ヤマシタ'], ['中島', 'ナカジマ'], ['石井', 'イシイ'], ['小川', 'オガワ'],
  ['前田', 'マエダ'], ['岡田', 'オカダ'], ['長谷川', 'ハセガワ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'],
  ['近藤', 'コンドウ'], ['村上', 'ムラカミ'], ['遠藤', 'エンドウ'], ['青木', 'アオキ'], ['坂本', 'サカモト'],
];

export const MALE_NAMES: readonly (readonly [string, string])[] = [
  ['太郎', 'タロウ'], ['一郎', 'イチロウ'], ['健', 'ケン'], ['翔太', 'ショウタ'], ['大輔', 'ダイスケ'],
  ['誠', 'マコト'], ['浩', 'ヒロシ'], ['隆', 'タカシ'], ['蓮', 'レン'], ['湊', 'ミナト'],
  ['大翔', 'ヒロト'], ['悠真', 'ユウマ'], ['拓也', 'タクヤ'], ['健太', 'ケンタ'], ['修', 'オサム'],
  ['勇', 'イサム'], ['茂', 'シゲル'], ['明', 'アキラ'], ['和也', 'カズヤ'], ['直樹', 'ナオキ'],
];

export const FEMALE_NAMES: readonly (readonly [string, string])[] = [
  ['花子', 'ハナコ'], ['由紀', 'ユキ'], ['さくら', 'サクラ'], ['陽菜', 'ヒナ'], ['結衣', 'ユイ'],
  ['美咲', 'ミサキ'], ['恵子', 'ケイコ'], ['幸子', 'サチコ'], ['洋子', 'ヨウコ'], ['芽衣', 'メイ'],
  ['葵', 'アオイ'], ['凛', 'リン'], ['真由美', 'マユミ'], ['直美', 'ナオミ'], ['久美子', 'クミコ'],
  ['明美', 'アケミ'], ['愛', 'アイ'], ['彩', 'アヤ'], ['千尋', 'チヒロ'], ['和子', 'カズコ'],
];

export interface Town {
  readonly pref: string; // 都道府県番号 (2 digits)
  readonly city: string; // 市区町村 as written in addresses
  readonly cityCode: string; // 3-digit part used for national health insurance insurer numbers
  readonly town: string;
  readonly postcode: string;
}

export const PREFECTURES: Readonly<Record<string, string>> = {
  '01': '北海道', '04': '宮城県', '13': '東京都', '14': '神奈川県', '23': '愛知県', '26': '京都府', '27': '大阪府', '34': '広島県', '40': '福岡県',
};

export const TOWNS: readonly Town[] = [
  { pref: '13', city: '千代田区', cityCode: '101', town: '丸の内', postcode: '100-0005' },
  { pref: '13', city: '新宿区', cityCode: '104', town: '西新宿', postcode: '160-0023' },
  { pref: '13', city: '世田谷区', cityCode: '112', town: '三軒茶屋', postcode: '154-0024' },
  { pref: '13', city: '練馬区', cityCode: '120', town: '石神井町', postcode: '177-0041' },
  { pref: '14', city: '横浜市港北区', cityCode: '100', town: '日吉本町', postcode: '223-0062' },
  { pref: '14', city: '川崎市中原区', cityCode: '130', town: '小杉町', postcode: '211-0063' },
  { pref: '23', city: '名古屋市中村区', cityCode: '100', town: '名駅', postcode: '450-0002' },
  { pref: '23', city: '豊田市', cityCode: '211', town: '小坂本町', postcode: '471-0034' },
  { pref: '27', city: '大阪市北区', cityCode: '100', town: '梅田', postcode: '530-0001' },
  { pref: '27', city: '堺市堺区', cityCode: '140', town: '南瓦町', postcode: '590-0078' },
  { pref: '26', city: '京都市左京区', cityCode: '100', town: '下鴨松原町', postcode: '606-0802' },
  { pref: '01', city: '札幌市中央区', cityCode: '100', town: '南一条西', postcode: '060-0061' },
  { pref: '04', city: '仙台市青葉区', cityCode: '100', town: '一番町', postcode: '980-0811' },
  { pref: '34', city: '広島市中区', cityCode: '100', town: '大手町', postcode: '730-0051' },
  { pref: '40', city: '福岡市博多区', cityCode: '130', town: '博多駅前', postcode: '812-0011' },
];

/** 特定疾病療養受療証: the three specified diseases and their monthly copay limits. */
/** 特定疾病 (高額長期疾病): category code (drivers/line/codes.ts) and the usual monthly self-pay limit. */
export const SPECIFIC_DISEASES: readonly (readonly ['01' | '02' | '03', number])[] = [
  ['01', 10000], // 人工腎臓を実施している慢性腎不全
  ['02', 10000], // 先天性血液凝固因子障害
  ['03', 10000], // 後天性免疫不全症候群
];

/** 適用区分 codes of 限度額適用認定証 (OQSCD012): under 70 A01–A05 (ア–オ); 70 and over B01–B10. */
export const LIMIT_CATEGORIES_UNDER_70 = ['A01', 'A02', 'A03', 'A04', 'A05'] as const;
export const LIMIT_CATEGORIES_70_PLUS = ['B01', 'B02', 'B03', 'B05', 'B06', 'B09', 'B10'] as const;
