// Which card is on the reader. The ATR is the quick answer; like OpenSC's jpki_match_card, a card
// with another ATR that still opens the JPKI AP counts (contactless readers synthesise their own
// ATR). That fallback also lets in old 住基カード and phones, so EF 0006 then says which token it
// is (soltia48/myna-card src/ap/jpki.rs TokenType; jpki/myna libmyna/api.go CheckCard).
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { CardChannel } from './apdu/card-channel.js';
import type { CardKind, CardToken, TokenName } from './card-reader.js';
import { acceptedToken, readTokenName } from './jpki.js';

/** ATRs of My Number cards (OpenSC card-jpki.c jpki_atrs). */
export const MYNUMBER_ATRS: readonly Buffer[] = [Buffer.from('3BE000FF8131FE4514', 'hex')];

export function kindFromAtr(atr: Buffer): CardKind {
  return MYNUMBER_ATRS.some((a) => a.equals(atr)) ? 'mynumber' : 'unknown';
}

export interface CardIdentity {
  readonly kind: CardKind;
  readonly token: CardToken;
  /** What EF 0006 said ('unknown' also when it could not be read). */
  readonly tokenName: TokenName;
}

/** The My Number card's own contact ATR is a card (a phone never shows it: a contactless reader
 * synthesises an ATR), so, like OpenSC, no further APDU. Any other ATR: SELECT the JPKI AP and read
 * EF 0006; only a card or a phone token is accepted: a 住基カード, an unknown token or no JPKI AP
 * is 'unknown' (CARD_UNSUPPORTED in the flow). */
export async function probeCard(channel: CardChannel, atr: Buffer, signal?: AbortSignal): Promise<CardIdentity> {
  if (kindFromAtr(atr) === 'mynumber') return { kind: 'mynumber', token: 'card', tokenName: 'card' };
  let tokenName: TokenName = 'unknown';
  try {
    tokenName = await readTokenName(channel, signal);
  } catch (error) {
    if (!(error instanceof GatewayError && error.code === 'CARD_ERROR')) throw error;
  }
  const token = acceptedToken(tokenName);
  return token ? { kind: 'mynumber', token, tokenName } : { kind: 'unknown', token: 'card', tokenName };
}

/** Kept for callers that need only the kind. */
export async function probeCardKind(channel: CardChannel, atr: Buffer, signal?: AbortSignal): Promise<CardKind> {
  return (await probeCard(channel, atr, signal)).kind;
}
