// What the check-in flow uses: the configured card-front source and reader behind two calls.
// `read` gives 照合番号B for the card on the reader (or why not); `refused` is called when the card
// refused it, so it is never handed out again for that card. Opened on first use.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceKey } from '../../../vocabulary/face-key.js';
import type { CardFrontConfig } from './config.js';
import { createFrontOcr } from './front-ocr.js';
import { CardFrontReader, type FrontFrameSource, type FrontGuidance, type FrontResult } from './front-reader.js';
import { createFrontSource } from './front-sources.js';
import { loadFrontOpenCv } from './opencv.js';
import { loadTesseractLib } from './tesseract-lib.js';

export class FrontKeySource {
  #reader: CardFrontReader | null = null;
  #source: FrontFrameSource | null = null;
  #opened: Promise<void> | null = null;

  constructor(private readonly config: CardFrontConfig) {}

  get timeLimitMs(): number {
    return this.config.timeLimitMs;
  }

  /** Whether face match can get 照合番号B this way, and if not why (for `oqsgw doctor`). */
  available(): { readonly ok: boolean; readonly detail: string } {
    const c = this.config;
    if (c.source === 'none') return { ok: false, detail: 'card.front.source is none: no picture of the card front, so a real reader cannot open the photo (face match falls back to the PIN)' };
    if (c.source === 'v4l2' && !existsSync(c.device)) return { ok: false, detail: `card.front.device ${c.device} does not exist (no document camera)` };
    if (c.source === 'files' && c.files.length === 0) return { ok: false, detail: 'card.front.files is empty' };
    if (!existsSync(join(c.tessdataDir, 'jpn.traineddata'))) return { ok: false, detail: `no ${join(c.tessdataDir, 'jpn.traineddata')}: install tesseract-ocr-jpn` };
    try {
      loadTesseractLib();
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    return { ok: true, detail: `card front from ${c.source === 'v4l2' ? c.device : `${c.files.length} file(s)`}, time limit ${c.timeLimitMs} ms` };
  }

  /** Reads the key of the card whose user-authentication certificate is `certificate`. */
  async read(certificate: Buffer, options: { signal?: AbortSignal; onGuidance?: (g: FrontGuidance) => void } = {}): Promise<FrontResult> {
    await this.#open();
    const reader = this.#reader;
    const source = this.#source;
    if (!reader || !source) throw new Error('card front not open');
    return reader.readKey(source, { timeLimitMs: this.config.timeLimitMs, cardId: cardIdOf(certificate), ...options });
  }

  refused(certificate: Buffer, key: FaceKey): void {
    this.#reader?.refused(cardIdOf(certificate), key);
  }

  async close(): Promise<void> {
    await this.#source?.close();
    await this.#reader?.close();
    this.#opened = null;
  }

  #open(): Promise<void> {
    this.#opened ??= (async () => {
      const source = createFrontSource(this.config);
      if (!source) throw new Error('card.front.source is none');
      const cv = await loadFrontOpenCv();
      await source.open();
      this.#source = source;
      this.#reader = new CardFrontReader(cv, createFrontOcr(cv, this.config.tessdataDir));
    })().catch((error: unknown) => {
      this.#opened = null;
      throw error;
    });
    return this.#opened;
  }
}

/** A card is known by its certificate's hash: no patient data, stable across insertions. */
const cardIdOf = (certificate: Buffer): string => createHash('sha256').update(certificate).digest('base64');
