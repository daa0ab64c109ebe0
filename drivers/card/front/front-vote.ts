// The vote between frames that decides whether a key read off the card's front may be presented
// to the card. A wrong key burns one of the card's tries, so the vote refuses rather than picks:
// a key is handed out only when frames read at two different sizes gave that same key, no frame
// gave another whole key, and no frame (even one that gave no whole key) read the era year, the
// expiry year or the code otherwise. Why: Tesseract drops the second of two digits ("11" -> "1")
// on some frames and not on others, so a wrong key can be read twice at two sizes (seed 291 of the
// generator, drivers/card/README.md); the frames that read the digit show the disagreement, and a
// disagreement is never outvoted. The birth month and day are not vetoed part by part: a dropped
// day digit is common and already refused by the birthday check unless both lines drop it alike,
// and then the whole key differs from the right one. Pure: no OCR, no picture.
import { eraInfo } from '../../../vocabulary/face-key.js';
import type { FrontEvidence, FrontFields } from './front-fields.js';

export type EvidencePart = FrontEvidence extends ReadonlyMap<infer K, string> ? K : never;

/** The parts a key is made of, in the form frontEvidence() writes them. */
export function keyParts(fields: FrontFields): FrontEvidence {
  const parts = new Map<EvidencePart, string>();
  if (fields.birth) {
    // A key is built only from a first year read as 元 (front-fields.ts, BIRTH_YEAR_DOUBTFUL).
    parts.set('eraYear', `${eraInfo(fields.birth.era).kanji}${fields.birth.eraYear === 1 ? '元' : fields.birth.eraYear}`);
    parts.set('birthDay', `${fields.birth.month}-${fields.birth.day}`);
  }
  if (fields.expiry) {
    parts.set('expiryYear', String(fields.expiry.year));
    parts.set('expiryDay', `${fields.expiry.month}-${fields.expiry.day}`);
  }
  if (fields.code !== undefined) parts.set('code', fields.code);
  return parts;
}

export type VoteOutcome =
  /** Hand the key out: two sizes agree and nothing disagrees. */
  | 'agreed'
  /** Not yet: read more frames. */
  | 'more'
  /** Two frames read a part of the key differently: no key can come out of this read. */
  | 'disagree';

/** Frames (read at different sizes) that must give the same key before it is used. */
export const SIZES_TO_AGREE = 2;

/**
 * The parts a single frame's reading vetoes. Measured on generated fronts (drivers/card/README.md):
 * vetoing the month and day too turned ~1 in 10 right keys into no key.
 */
export const VETO_PARTS: readonly EvidencePart[] = ['eraYear', 'expiryYear', 'code'];

export class FrontVote {
  // Every value read for each vetoing part, and every whole key (by mark), on any frame (in
  // memory for one read only).
  readonly #seen = new Map<string, Set<string>>();
  // Sizes at which each key (by its caller-made mark, never the digits) was read whole.
  readonly #sizes = new Map<string, Set<number>>();

  /** What a frame said about the parts, whether or not it gave a whole key. */
  evidence(evidence: FrontEvidence): VoteOutcome {
    for (const [part, value] of evidence) if (VETO_PARTS.includes(part)) this.#add(part, value);
    return this.disagrees() ? 'disagree' : 'more';
  }

  /**
   * A whole key read on a frame at `scale` (after its evidence was given). `mark` names the key
   * (an HMAC), `parts` are its parts as keyParts() writes them.
   */
  key(mark: string, parts: FrontEvidence, scale: number): VoteOutcome {
    this.#add('key', mark);
    const outcome = this.evidence(parts);
    if (outcome === 'disagree') return outcome;
    const sizes = this.#sizes.get(mark) ?? new Set<number>();
    sizes.add(scale);
    this.#sizes.set(mark, sizes);
    return sizes.size >= SIZES_TO_AGREE ? 'agreed' : 'more';
  }

  /** True once any part was read two ways: then no key may come out of this read. */
  disagrees(): boolean {
    for (const values of this.#seen.values()) if (values.size > 1) return true;
    return false;
  }

  #add(part: string, value: string): void {
    const values = this.#seen.get(part) ?? new Set<string>();
    values.add(value);
    this.#seen.set(part, values);
  }
}
