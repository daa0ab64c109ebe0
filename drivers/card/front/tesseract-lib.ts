// Debian's libtesseract (package libtesseract5, the library the `tesseract` command is built on)
// through its C API (include/tesseract/capi.h of tesseract-ocr/tesseract), called with koffi: the
// same engine and model as the command, loaded once instead of once per frame. Only the calls
// the card front needs are bound; their prototypes follow capi.h (TessBaseAPI is opaque there).
import koffi, { type LibraryHandle } from 'koffi';
import { GatewayError } from '../../../vocabulary/result-codes.js';

export const TESSERACT_LIBRARY = 'libtesseract.so.5';

/** The bound C functions; `handle` is a TessBaseAPI* (opaque). */
export interface TesseractLib {
  create(): unknown;
  /** TessBaseAPIInit3(handle, datapath, language): 0 on success. Loads the model (~0.2 s): called async. */
  init(handle: unknown, datapath: string, language: string): Promise<number>;
  setPageSegMode(handle: unknown, mode: number): void;
  setVariable(handle: unknown, name: string, value: string): boolean;
  /** TessBaseAPISetImage: Tesseract copies the pixels into its own picture. */
  setImage(handle: unknown, bytes: Buffer, width: number, height: number, bytesPerPixel: number, bytesPerLine: number): void;
  /** TessBaseAPIRecognize on a worker thread: the event loop runs meanwhile. 0 on success. */
  recognize(handle: unknown): Promise<number>;
  /** TessBaseAPIGetTsvText; the C string is freed with TessDeleteText once copied. */
  tsv(handle: unknown): string;
  clear(handle: unknown): void;
  end(handle: unknown): void;
  destroy(handle: unknown): void;
}

let bound: TesseractLib | null = null;

type Bound = ReturnType<LibraryHandle['func']>;

function asyncCall<T>(fn: Bound, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn.async(...args, (error: unknown, result: T) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)));
  });
}

/** Loads the library once per process; a GatewayError CAMERA_DOWN names the package when it is missing. */
export function loadTesseractLib(library = TESSERACT_LIBRARY): TesseractLib {
  if (bound && library === TESSERACT_LIBRARY) return bound;
  let lib: LibraryHandle;
  try {
    lib = koffi.load(library);
  } catch (error) {
    throw new GatewayError('CAMERA_DOWN', `OCR library ${library} could not be loaded: install libtesseract5 (tesseract-ocr)`, {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
  const api = koffi.pointer(koffi.opaque());
  const deleteText = lib.func('TessDeleteText', 'void', ['void *']);
  // The TSV is a heap string of the library's: copied to JS, then freed by the library.
  const tessText = koffi.disposable('str', (p: unknown) => deleteText(p));
  const create = lib.func('TessBaseAPICreate', api, []);
  const init = lib.func('TessBaseAPIInit3', 'int', [api, 'str', 'str']);
  const setPageSegMode = lib.func('TessBaseAPISetPageSegMode', 'void', [api, 'int']);
  const setVariable = lib.func('TessBaseAPISetVariable', 'int', [api, 'str', 'str']);
  const setImage = lib.func('TessBaseAPISetImage', 'void', [api, 'uint8_t *', 'int', 'int', 'int', 'int']);
  const recognize = lib.func('TessBaseAPIRecognize', 'int', [api, 'void *']);
  const tsv = lib.func('TessBaseAPIGetTsvText', tessText, [api, 'int']);
  const clear = lib.func('TessBaseAPIClear', 'void', [api]);
  const end = lib.func('TessBaseAPIEnd', 'void', [api]);
  const destroy = lib.func('TessBaseAPIDelete', 'void', [api]);
  const made: TesseractLib = {
    create: () => create(),
    init: (h, datapath, language) => asyncCall<number>(init, h, datapath, language),
    setPageSegMode: (h, mode) => setPageSegMode(h, mode),
    setVariable: (h, name, value) => setVariable(h, name, value) !== 0,
    setImage: (h, bytes, w, height, bpp, bpl) => setImage(h, bytes, w, height, bpp, bpl),
    recognize: (h) => asyncCall<number>(recognize, h, null),
    tsv: (h) => String(tsv(h, 0) ?? ''),
    clear: (h) => clear(h),
    end: (h) => end(h),
    destroy: (h) => destroy(h),
  };
  if (library === TESSERACT_LIBRARY) bound = made;
  return made;
}

/**
 * OpenMP's thread limit in this process (libgomp's omp_get_thread_limit), for the test that the
 * OpenCV loader's OMP_THREAD_LIMIT=1 reached libtesseract's OpenMP (it is read once, at load).
 */
export function openMpThreadLimit(): number {
  const gomp = koffi.load('libgomp.so.1');
  return Number(gomp.func('omp_get_thread_limit', 'int', [])());
}
