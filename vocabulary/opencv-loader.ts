// Loading the OpenCV bindings (@u4/opencv4nodejs), shared by the face driver and the card-front
// reader: one place for the process-wide settings that must come before the first use.
// - V8's incremental marking is switched off. With these bindings on Node 20 a GC step can abort
//   the whole process ("Check failed: marking_done_" in CppHeap::TraceEpilogue, from
//   IncrementalMarkingJob; UrielCh/opencv4nodejs issues #134 and #148, still open). We saw it in
//   the test suite and in long calibration runs. Without incremental marking a full GC marks in
//   one step; the pauses are longer, which a daemon with a few hundred MB of heap can afford.
// - The bindings' external-memory tracking is switched off. Their Mat allocator tells V8 of every
//   allocation; that can start a GC inside the allocation, whose weak callbacks free other Mats and
//   report again, re-entering the GC: the main thread then waits forever on V8's own heap mutex
//   (seen 2026-11-30 in the card-front bench: native stack Mat::create -> CustomMatAllocator ->
//   AdjustAmountOfExternalAllocatedMemory -> GC -> ~Mat -> AdjustAmountOfExternalAllocatedMemory
//   -> GC -> futex on cppgc::internal::g_process_mutex; the process sat idle at 0 % CPU). The
//   variable is the bindings' documented off switch (their README) and is read once, at load.
//   Mats are still freed when their wrappers are collected; the memory bench measures the cost.
// - OpenMP (libgomp) is held to one thread per parallel region (OMP_THREAD_LIMIT=1). The bindings
//   load Debian's OpenCV, which loads libtesseract (opencv_text) and with it libgomp, and libgomp
//   reads the variable once, when it is loaded: this is the first point in the process where it
//   can be set. The card front's OCR runs that libtesseract in this process
//   (drivers/card/front/tesseract-lib.ts); its LSTM asks OpenMP for 4 threads per layer, which on
//   this 2-core box only spin against the camera and face match (measured: 246 ms a frame with
//   the default limit at load 4, 122 ms with the limit 1; drivers/card/README.md, "Card front").
//   OpenCV's own parallel loops use TBB here, not OpenMP.
// - The build helper's logger is silenced: it prints to stdout (corrupting `--json` output), and
//   only the CommonJS side reaches that logger.
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

export type OpenCvModule = typeof import('@u4/opencv4nodejs').default;

let gcSet = false;

export function requireOpenCv(): OpenCvModule {
  if (!gcSet) {
    setFlagsFromString('--no-incremental-marking');
    gcSet = true;
  }
  process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING ??= '1';
  process.env.OMP_THREAD_LIMIT ??= '1';
  const require = createRequire(import.meta.url);
  try {
    (require('@u4/opencv-build') as { Log: { silence: boolean } }).Log.silence = true;
  } catch {
    // Not hoisted where we can see it: the bindings still load, only more verbosely.
  }
  return require('@u4/opencv4nodejs') as OpenCvModule;
}
