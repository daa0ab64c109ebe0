// Reads 照合番号B off the card's front: frames from a source, the card found and deskewed, the
// three fields OCR'd and checked, and a key handed out only when the SAME key was read on two
// frames at two sizes and no frame read any part of it otherwise (front-vote.ts). Anything less
// ends in a named reason and no key, so that a misread never costs the card one of its tries. Nothing here is written to disk or logged: the frames, the
// fields and the key live in memory for one call and are returned to the caller only.
import { createHmac, randomBytes } from 'node:crypto';
import type { FaceKey } from '../../../vocabulary/face-key.js';
import type { FrontGuidance } from '../../../vocabulary/front-guidance.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { cutField, FIELD_SCALES, findCard } from './card-finder.js';
import { checkFront, type FrontEvidence, type FrontFields, type FrontRefusal, frontEvidence, parseFront } from './front-fields.js';
import { FRONT_REGIONS } from './front-layout.js';
import type { FrontLine, FrontOcr, OcrLine } from './front-ocr.js';
import { FrontVote, keyParts, SIZES_TO_AGREE } from './front-vote.js';
import type { CvMat, OpenCv } from './opencv.js';

/** Where frames of the card's front come from (a document camera, files in tests). */
export interface FrontFrameSource {
  open(): Promise<void>;
  /** The next frame (BGR); throws GatewayError CAMERA_DOWN when the source fails. */
  read(signal?: AbortSignal): Promise<CvMat>;
  close(): Promise<void>;
  /** For doctor and health: what the source is, never frame content. */
  describe(): string;
}

/** What one frame gave: for the CLI and the bench (never logged: it holds the fields). */
export interface FrameReading {
  readonly fields: FrontFields;
  readonly lines: Readonly<Record<FrontLine, OcrLine>> | null;
  readonly key: FaceKey | null;
  /** What the frame said about each part of the key, even without a whole key (front-vote.ts). */
  readonly evidence: FrontEvidence;
  /** Why this frame gave no key. */
  readonly why: FrontRefusal | 'NO_CARD' | 'CARD_CUT_OFF' | 'CARD_TOO_SMALL' | null;
}

/** Why no key was handed out, named for the panel, the check-in event and the technician. */
export type FrontFailure =
  /** No card outline found in any frame, or it was cut off or too small: place the card flat. */
  | 'FRONT_NOT_FOUND'
  /** The card was seen but its fields never gave the same valid key twice: hold it still. */
  | 'FRONT_UNREADABLE'
  /** The only key read is one this card already refused: never tried again. */
  | 'FRONT_KEY_REFUSED_BEFORE';

export type FrontResult =
  | { readonly ok: true; readonly key: FaceKey; readonly frames: number }
  | {
      readonly ok: false;
      readonly why: FrontFailure;
      readonly frames: number;
      /** Why the last frame gave no key, or FRAMES_DISAGREE: frames read the key (or a part of it) differently, and none won by the margin. */
      readonly lastFrame: FrameReading['why'] | 'FRAMES_DISAGREE';
    };

export type { FrontGuidance };

export interface FrontReadOptions {
  readonly timeLimitMs: number;
  /** Identifies the card (e.g. its certificate's fingerprint) for the refused-key memory. */
  readonly cardId?: string;
  readonly signal?: AbortSignal;
  readonly onGuidance?: (guidance: FrontGuidance) => void;
  /** Stop after this many frames (tests, the bench); default: until the time limit. */
  readonly maxFrames?: number;
  readonly now?: () => Date;
}

/** Frames (read at different sizes) that must agree on the same key before it is used. */
export const FRAMES_TO_AGREE = SIZES_TO_AGREE;

export class CardFrontReader {
  readonly #cv: OpenCv;
  readonly #ocr: FrontOcr;
  // Keys a card refused, as HMACs under a key that lives only in this process: enough to never
  // present them again, useless to anyone who reads memory for the key itself.
  readonly #refused = new Set<string>();
  readonly #secret = randomBytes(32);

  readonly #secondLook: boolean;

  /**
   * `secondLook` (default on): a frame whose card was seen but gave no whole key is read again at
   * the other size (#readTwice). Off only where an OCR is scripted with one recorded text per frame.
   */
  constructor(cv: OpenCv, ocr: FrontOcr, options: { readonly secondLook?: boolean } = {}) {
    this.#cv = cv;
    this.#ocr = ocr;
    this.#secondLook = options.secondLook ?? true;
  }

  /** One frame: find, deskew, cut (at `scale` times the card's 12 px/mm), OCR, parse, check. */
  async readFrame(frame: CvMat, now: Date = new Date(), scale: number = FIELD_SCALES[0] ?? 1): Promise<FrameReading> {
    const found = findCard(this.#cv, frame);
    if (!found.found) return { fields: {}, lines: null, key: null, evidence: new Map(), why: found.why };
    return this.#readCard(found.card, now, scale);
  }

  /** The fields of a found, deskewed card cut at `scale`, OCR'd, parsed and checked. */
  async #readCard(card: CvMat, now: Date, scale: number): Promise<FrameReading> {
    const order: readonly FrontLine[] = ['birth', 'expiry', 'code'];
    const lines = await this.#ocr.readLines(order.map((line) => cutField(this.#cv, card, FRONT_REGIONS[line], scale)));
    const at = (i: number): OcrLine => lines[i] ?? { text: '', confidence: 0 };
    const [birth, expiry, code] = [at(0), at(1), at(2)];
    const fields = parseFront(birth.text, expiry.text, code.text);
    const check = checkFront(fields, now);
    const evidence = frontEvidence(birth.text, expiry.text, code.text, now);
    return { fields, lines: { birth, expiry, code }, key: check.ok ? check.key : null, evidence, why: check.ok ? null : check.why };
  }

  /**
   * A frame read at `scale`, and when the card was seen but gave no whole key, read again at the
   * other size (the OCR in process makes a second look cheap: drivers/card/README.md). The frame
   * still gives ONE reading to the vote: the second when it gave a key (at the second size), else
   * the first. `alsoSeen` is what the other look said, for the vote's lost-digit rule only.
   * Measured on the 500: drivers/card/README.md, "Card front".
   */
  async #readTwice(frame: CvMat, now: Date, scale: number): Promise<{ reading: FrameReading; scale: number; alsoSeen: FrontEvidence | null }> {
    const found = findCard(this.#cv, frame);
    if (!found.found) return { reading: { fields: {}, lines: null, key: null, evidence: new Map(), why: found.why }, scale, alsoSeen: null };
    const first = await this.#readCard(found.card, now, scale);
    const other = FIELD_SCALES.find((s) => s !== scale);
    if (first.key || other === undefined || !this.#secondLook) return { reading: first, scale, alsoSeen: null };
    const second = await this.#readCard(found.card, now, other);
    return second.key ? { reading: second, scale: other, alsoSeen: first.evidence } : { reading: first, scale, alsoSeen: second.evidence };
  }

  /** Reads frames until two agree on a key and none disagrees, or the time limit; see FrontResult. */
  async readKey(source: FrontFrameSource, options: FrontReadOptions): Promise<FrontResult> {
    const deadline = Date.now() + options.timeLimitMs;
    const vote = new FrontVote();
    let frames = 0;
    let sawCard = false;
    let sawKey = false;
    // The keys read so far, by mark, to hand out the one the vote agrees on.
    const candidates = new Map<string, FaceKey>();
    let refusedOnly = false;
    let lastFrame: FrameReading['why'] = null;
    while (Date.now() < deadline && frames < (options.maxFrames ?? Number.POSITIVE_INFINITY)) {
      if (options.signal?.aborted) throw new GatewayError('CARD_REMOVED', 'The card front read was stopped');
      const frame = await source.read(options.signal);
      // Frames are read at the sizes in turn, so two agreeing frames were read at two sizes.
      const sizeAt = FIELD_SCALES[frames % FIELD_SCALES.length] ?? 1;
      frames++;
      const look = await this.#readTwice(frame, options.now?.() ?? new Date(), sizeAt);
      const { reading, scale } = look;
      lastFrame = reading.why;
      if (reading.why === 'NO_CARD' || reading.why === 'CARD_CUT_OFF' || reading.why === 'CARD_TOO_SMALL') {
        options.onGuidance?.('place-flat');
        continue;
      }
      sawCard = true;
      vote.evidence(reading.evidence);
      // The frame's other look counts for nothing but the lost-digit rule: a frame votes once.
      if (look.alsoSeen) vote.digitsSeen(look.alsoSeen);
      if (!reading.key) {
        // A frame without a key may still tip the vote for a key read before (front-vote.ts).
        const leader = vote.leader();
        const key = leader === undefined ? undefined : candidates.get(leader);
        if (leader !== undefined && key && vote.decide(leader) === 'agreed') return { ok: true, key, frames };
        options.onGuidance?.('hold-still');
        continue;
      }
      if (options.cardId !== undefined && this.wasRefused(options.cardId, reading.key)) {
        refusedOnly = true;
        continue;
      }
      sawKey = true;
      // Agreement is counted on an HMAC of the digits (the vote holds no key in the clear), and
      // only between frames read at different sizes: see FIELD_SCALES for why.
      const mark = this.#mark('', reading.key);
      candidates.set(mark, reading.key);
      if (vote.key(mark, keyParts(reading.fields), scale) === 'agreed') return { ok: true, key: reading.key, frames };
      options.onGuidance?.('hold-still');
    }
    const why: FrontFailure = !sawCard ? 'FRONT_NOT_FOUND' : refusedOnly && !sawKey ? 'FRONT_KEY_REFUSED_BEFORE' : 'FRONT_UNREADABLE';
    return { ok: false, why, frames, lastFrame: vote.disagreed() ? 'FRAMES_DISAGREE' : lastFrame };
  }

  /** The card answered "wrong key" to this key: it is never handed out again for this card. */
  refused(cardId: string, key: FaceKey): void {
    this.#refused.add(this.#mark(cardId, key));
  }

  wasRefused(cardId: string, key: FaceKey): boolean {
    return this.#refused.has(this.#mark(cardId, key));
  }

  async close(): Promise<void> {
    await this.#ocr.close();
  }

  #mark(cardId: string, key: FaceKey): string {
    const digits = key.bytes();
    try {
      return createHmac('sha256', this.#secret).update(cardId).update('\0').update(digits).digest('base64');
    } finally {
      digits.fill(0);
    }
  }
}
