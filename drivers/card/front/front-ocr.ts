// OCR of the cut fields with Debian's Tesseract 5 (`tesseract-ocr`) and its `jpn` model
// (`tesseract-ocr-jpn`), read from the local tessdata folder: nothing is downloaded, and the
// picture goes to the process through a pipe, never through a file. Why the command and not
// tesseract.js: drivers/card/README.md, "Card front" (measured).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import { type CvMat, filledMat, type OpenCv } from './opencv.js';

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

/** A spare process is stopped after this long without a frame (it holds ~56 MB, nothing else). */
export const SPARE_IDLE_MS = 5000;

/**
 * The Debian tesseract command, one process per frame: the cut lines stacked into one picture
 * (piped on stdin as PNG from memory), read as a block (PSM 6), each word assigned back to its
 * line by where it sits (the TSV output carries each word's box and confidence).
 *
 * One process is always started ahead (the "spare"): the command loads its model BEFORE it reads
 * the picture from stdin, and that start costs ~0.2 s of CPU of the ~0.3 s a frame takes
 * (measured: `tesseract` on a blank 40x20 picture 0.19-0.22 s user+sys, on a frame's strip
 * 0.28-0.32 s). So the next frame's process loads while this frame is cut and read, and a frame
 * waits only for the reading itself. The spare is stopped after SPARE_IDLE_MS without a frame and
 * on close(); if the gateway exits first, its stdin closes and it ends without reading anything.
 */
export function createTesseractCliOcr(cv: OpenCv, tessdataDir = DEFAULT_TESSDATA_DIR, command = 'tesseract'): FrontOcr {
  if (!existsSync(join(tessdataDir, 'jpn.traineddata'))) {
    throw new GatewayError('CAMERA_DOWN', `No Japanese OCR model at ${join(tessdataDir, 'jpn.traineddata')}: install tesseract-ocr-jpn`);
  }
  let spare: TesseractRun | null = null;
  let idle: NodeJS.Timeout | undefined;
  // A frame still being read when the reader is closed (the card left mid-read) finishes, but
  // must not start a spare that nobody would stop before its idle timer.
  let closed = false;
  const stopSpare = (): void => {
    clearTimeout(idle);
    spare?.child.kill();
    spare = null;
  };
  return {
    async readLines(lines) {
      const width = Math.max(...lines.map((m) => m.cols));
      const height = lines.reduce((s, m) => s + m.rows + GAP, 0);
      const strip = filledMat(cv, height, width, cv.CV_8UC1, 255);
      const bands: { top: number; bottom: number }[] = [];
      let y = 0;
      for (const m of lines) {
        m.copyTo(strip.getRegion(new cv.Rect(0, y, m.cols, m.rows)));
        bands.push({ top: y, bottom: y + m.rows });
        y += m.rows + GAP;
      }
      clearTimeout(idle);
      const run = spare ?? startTesseract(command, tessdataDir);
      spare = null;
      if (!closed) {
        spare = startTesseract(command, tessdataDir);
        idle = setTimeout(stopSpare, SPARE_IDLE_MS);
        idle.unref();
      }
      run.child.stdin.end(cv.imencode('.png', strip));
      const tsv = await run.output;
      const words: { text: string; conf: number; left: number }[][] = lines.map(() => []);
      for (const row of tsv.split('\n').slice(1)) {
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
    },
    async close() {
      closed = true;
      stopSpare();
    },
  };
}

interface TesseractRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** The TSV once the picture was written to stdin and the process ended. */
  readonly output: Promise<string>;
}

/** Starts the command; it loads its model and waits for the picture on stdin. */
function startTesseract(command: string, tessdataDir: string): TesseractRun {
  const args = ['stdin', 'stdout', '--tessdata-dir', tessdataDir, '-l', 'jpn', '--psm', '6', '-c', `tessedit_char_whitelist=${DATE_CHARS}`, 'tsv'];
  // One thread: the box has two cores and the camera and face match need the other.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', (e) => reject(new GatewayError('CAMERA_DOWN', `OCR could not start (${command}): install tesseract-ocr`, { cause: e.message })));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new GatewayError('CAMERA_DOWN', `OCR failed (exit ${code})`, { stderr: err.slice(0, 200) }))));
    child.stdin.on('error', () => {});
  });
  // A spare that is stopped, or fails before it is used, must not be an unhandled rejection; the
  // frame that uses it still sees the rejection through its own await.
  output.catch(() => {});
  return { child, output };
}
