// OCR of the cut fields with Debian's Tesseract 5 library (`libtesseract5`, the engine of the
// `tesseract-ocr` command) and its `jpn` model (`tesseract-ocr-jpn`), read from the local tessdata
// folder: nothing is downloaded, and the picture goes to the engine as bytes in memory, never
// through a file. Why Tesseract and not tesseract.js, and why in this process rather than the
// command: drivers/card/README.md, "Card front" (measured).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { type CvMat, filledMat, type OpenCv } from './opencv.js';
import { loadTesseractLib, type TesseractLib } from './tesseract-lib.js';

export type FrontLine = 'birth' | 'expiry' | 'code';

export interface OcrLine {
  readonly text: string;
  /** Tesseract's mean word confidence, 0–100. */
  readonly confidence: number;
}

export interface FrontOcr {
  /** OCR of cut single-line fields (greyscale Mats, black print on white), one answer each. */
  readLines(lines: readonly CvMat[]): Promise<OcrLine[]>;
  close(): Promise<void>;
}

export const DEFAULT_TESSDATA_DIR = '/usr/share/tesseract-ocr/5/tessdata';

/** Only what can appear on the lines read; anything else becomes one of these or nothing. */
const DATE_CHARS = '0123456789年月日生まで有効元大正昭和平成令和';

const GAP = 24;

/** Tesseract's page segmentation "a single uniform block of text" (capi.h PSM_SINGLE_BLOCK). */
const PSM_SINGLE_BLOCK = 6;

/**
 * Tesseract in this process (Debian's libtesseract5 through its C API, tesseract-lib.ts): the
 * `jpn` model is loaded once, on the first frame, and freed on close(). Each frame's lines are
 * stacked into one grey picture handed over as bytes (nothing encoded, nothing on disk), read as
 * a block (PSM 6) with the character whitelist, each word assigned back to its line from the TSV.
 * Recognition runs on a worker thread (koffi async calls), so the event loop is not held for the
 * ~0.1 s a frame takes; a TessBaseAPI is not thread-safe, so the calls on it are serialised.
 * `tess`: the bound library (tests wrap it to watch the calls); loaded here when not given.
 */
export function createFrontOcr(cv: OpenCv, tessdataDir = DEFAULT_TESSDATA_DIR, tess?: TesseractLib): FrontOcr {
  if (!existsSync(join(tessdataDir, 'jpn.traineddata'))) {
    throw new GatewayError('CAMERA_DOWN', `No Japanese OCR model at ${join(tessdataDir, 'jpn.traineddata')}: install tesseract-ocr-jpn`);
  }
  const lib = tess ?? loadTesseractLib();
  let handle: unknown = null;
  let ready: Promise<unknown> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const start = (): Promise<unknown> => {
    ready ??= (async () => {
      const h = lib.create();
      // The model loads on a worker thread (~0.2 s); a handle whose init failed is freed at once.
      const status = await lib.init(h, tessdataDir, 'jpn');
      if (status !== 0) {
        lib.destroy(h);
        throw new GatewayError('CAMERA_DOWN', `OCR could not load the Japanese model from ${tessdataDir} (Tesseract init ${status}): reinstall tesseract-ocr-jpn`);
      }
      lib.setPageSegMode(h, PSM_SINGLE_BLOCK);
      lib.setVariable(h, 'tessedit_char_whitelist', DATE_CHARS);
      handle = h;
      return h;
    })();
    return ready;
  };
  /** One call at a time on the handle, in order; a failed call does not stop the next. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };
  return {
    readLines(lines) {
      if (closed) return Promise.reject(new GatewayError('CAMERA_DOWN', 'The card front OCR was closed'));
      const { strip, bands } = stackLines(cv, lines);
      // The Mat's bytes as they are (8-bit grey, rows back to back: the strip was just made).
      const bytes = strip.getData();
      return serial(async () => {
        const h = await start();
        lib.setImage(h, bytes, strip.cols, strip.rows, 1, strip.cols);
        const status = await lib.recognize(h);
        try {
          if (status !== 0) throw new GatewayError('CAMERA_DOWN', `OCR failed (Tesseract recognize ${status})`);
          return linesFromTsv(lib.tsv(h), bands);
        } finally {
          lib.clear(h);
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // After the frame being read, if any: the model is freed only once nothing uses it.
      await serial(async () => {
        if (handle === null) return;
        lib.end(handle);
        lib.destroy(handle);
        handle = null;
      });
    },
  };
}

interface Band {
  readonly top: number;
  readonly bottom: number;
}

/** The cut lines stacked into one picture, white between them, and where each line sits. */
function stackLines(cv: OpenCv, lines: readonly CvMat[]): { strip: CvMat; bands: Band[] } {
  const width = Math.max(...lines.map((m) => m.cols));
  const height = lines.reduce((s, m) => s + m.rows + GAP, 0);
  const strip = filledMat(cv, height, width, cv.CV_8UC1, 255);
  const bands: Band[] = [];
  let y = 0;
  for (const m of lines) {
    m.copyTo(strip.getRegion(new cv.Rect(0, y, m.cols, m.rows)));
    bands.push({ top: y, bottom: y + m.rows });
    y += m.rows + GAP;
  }
  return { strip, bands };
}

/** Each word of Tesseract's TSV back to its line by where its middle sits; words left to right. */
function linesFromTsv(tsv: string, bands: readonly Band[]): OcrLine[] {
  const words: { text: string; conf: number; left: number }[][] = bands.map(() => []);
  for (const row of tsv.split('\n')) {
    const c = row.split('\t');
    if (c[0] !== '5' || !c[11]) continue; // level 5 = a word
    const middle = Number(c[7]) + Number(c[9]) / 2;
    const band = bands.findIndex((b) => middle >= b.top && middle < b.bottom);
    if (band >= 0) words[band]?.push({ text: c[11], conf: Number(c[10]), left: Number(c[6]) });
  }
  return words.map((ws) => {
    ws.sort((p, q) => p.left - q.left);
    return { text: ws.map((w) => w.text).join(''), confidence: ws.length ? ws.reduce((s, w) => s + w.conf, 0) / ws.length : 0 };
  });
}
