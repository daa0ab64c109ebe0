// The My Number card's constants, in one place (checked against OpenSC card-jpki.c / jpki.h and
// the public myna readers; see drivers/card/README.md). No magic bytes elsewhere in the driver.

/** Application identifiers (SELECT by DF name, P1 = 04). */
export const AID = {
  /** 公的個人認証 (JPKI) AP: certificates, PINs, keys. */
  jpki: Buffer.from('D392F000260100000001', 'hex'),
  /** 券面事項確認AP (card surface): the front side, face photo included, opened with 照合番号B. */
  cardSurface: Buffer.from('D3921000310001010402', 'hex'),
  /** 券面事項入力補助AP: holds the 12-digit Individual Number. NEVER selectable (allowlist.ts). */
  cardInfoInputSupport: Buffer.from('D3921000310001010408', 'hex'),
} as const;

/** Elementary files inside the JPKI AP (SELECT by file id, P1 = 02). */
export const JPKI_FILE = {
  /** Token information: the first 32 bytes name the token (TOKEN_NAME). */
  tokenInfo: 0x0006,
  userAuthCertificate: 0x000a, // 利用者証明用電子証明書
  userAuthCaCertificate: 0x000b,
  userAuthPrivateKey: 0x0017,
  userAuthPin: 0x0018,
} as const;

/** Elementary files inside the card-surface AP that the gateway uses (soltia48/myna-card
 * src/ap/surface.rs, jpki/myna libmyna/visual_ap.go). */
export const SURFACE_FILE = {
  /** The card face: BER template FF20 with an offset table and the photo (card-face.ts). */
  cardFace: 0x0002,
  /** 照合番号B: birth date as era YYMMDD + expiry year YYYY + security code (vocabulary/face-key.ts). */
  faceKey: 0x0012,
} as const;

/** Files of the card-surface AP the gateway must never reach (not in the allowlist; named here
 * so the virtual card can hold them and the tests can try them). */
export const SURFACE_FORBIDDEN_FILE = {
  /** 生年月日 key (era YYMMDD): opens only the age record. Not needed. */
  birthDateKey: 0x0011,
  /** 照合番号A: this key IS the 12-digit Individual Number. NEVER. */
  numberKey: 0x0013,
  /** A picture of the Individual Number (FF40). NEVER. */
  numberImage: 0x0005,
} as const;

/** EF 0006 token names (first 32 bytes, space padded): soltia48/myna-card src/ap/jpki.rs TokenType;
 * jpki/myna libmyna/api.go CheckCard for the 住基カード name. */
export const TOKEN_NAME = {
  card: 'JPKIAPICCTOKEN2',
  android: 'JPKIAPGPSETOKEN',
  iphone: 'JPKIAPIOSTOKEN',
  juki: 'JPKIAPICCTOKEN',
} as const;

export const CLA = { iso: 0x00, proprietary: 0x80 } as const;

export const INS = {
  select: 0xa4,
  readBinary: 0xb0,
  getResponse: 0xc0,
  verify: 0x20,
  computeDigitalSignature: 0x2a,
} as const;

export const SELECT_P1 = { byFileId: 0x02, byDfName: 0x04 } as const;
/** P2 = 0C: no FCI returned. */
export const SELECT_P2_NO_RESPONSE = 0x0c;
/** VERIFY / COMPUTE DIGITAL SIGNATURE P2: the key or PIN of the currently selected EF. */
export const P2_SELECTED_EF = 0x80;

export const LIMITS = {
  /** Short APDU Le: 0x00 means 256. */
  maxShortLe: 256,
  /** Largest certificate or surface file we accept (a real cert is ~1.5 KiB, a surface ~ 3-10 KiB). */
  maxFileBytes: 64 * 1024,
  /** The user-authentication PIN: 4 digits, 3 tries (OpenSC jpki.h JPKI_AUTH_PIN_MAX_TRIES). */
  userAuthPinTries: 3,
  /** Bytes of EF 0006 that name the token. */
  tokenNameBytes: 32,
  /** GET RESPONSE / 6Cxx chains followed before we call the card broken. */
  maxChainedResponses: 64,
} as const;

/** SHA-256 DigestInfo prefix (RFC 8017 9.2); the card applies PKCS#1 v1.5 padding itself. */
export const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');
