// Loading the OpenCV bindings (@u4/opencv4nodejs), shared by the face driver and the card-front
// reader: one place for two process-wide settings that must come before the first use.
// - V8's incremental marking is switched off. With these bindings on Node 20 a GC step can abort
//   the whole process ("Check failed: marking_done_" in CppHeap::TraceEpilogue, from
//   IncrementalMarkingJob; UrielCh/opencv4nodejs issues #134 and #148, still open). We saw it in
//   the test suite and in long calibration runs. Without incremental marking a full GC marks in
//   one step; the pauses are longer, which a daemon with a few hundred MB of heap can afford.
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
  const require = createRequire(import.meta.url);
  try {
    (require('@u4/opencv-build') as { Log: { silence: boolean } }).Log.silence = true;
  } catch {
    // Not hoisted where we can see it: the bindings still load, only more verbosely.
  }
  return require('@u4/opencv4nodejs') as OpenCvModule;
}
