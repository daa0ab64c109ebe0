// Which card is on the reader. The ATR is the quick answer; like OpenSC's jpki_match_card, a card
// with another ATR that still opens the JPKI AP counts as a My Number card.
import { GatewayError } from '../../vocabulary/result-codes.js';
import type { CardChannel } from './apdu/card-channel.js';
import type { CardKind } from './card-reader.js';

/** ATRs of My Number cards (OpenSC card-jpki.c jpki_atrs). */
export const MYNUMBER_ATRS: readonly Buffer[] = [Buffer.from('3BE000FF8131FE4514', 'hex')];

export function kindFromAtr(atr: Buffer): CardKind {
  return MYNUMBER_ATRS.some((a) => a.equals(atr)) ? 'mynumber' : 'unknown';
}

/** ATR first, then one SELECT of the JPKI AP (allowlisted) for cards with an unlisted ATR. */
export async function probeCardKind(channel: CardChannel, atr: Buffer, signal?: AbortSignal): Promise<CardKind> {
  if (kindFromAtr(atr) === 'mynumber') return 'mynumber';
  try {
    await channel.select('jpki', undefined, signal);
    return 'mynumber';
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'CARD_ERROR') return 'unknown';
    throw error;
  }
}
