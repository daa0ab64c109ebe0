// The OpenCV loader's process-wide settings (vocabulary/opencv-loader.ts): the bindings' Mat
// allocator must not report to V8, whose GC it could re-enter and deadlock the main thread.
import t from 'tap';
import { requireOpenCv } from '../../../vocabulary/opencv-loader.js';

t.test('the bindings load with their external-memory tracking off', async (t) => {
  const cv = requireOpenCv();
  t.equal(process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING, '1');
  t.equal(cv.isCustomMatAllocatorEnabled(), false, 'the custom Mat allocator is not installed');
  // Mats still work without it: frame-sized ones are made, filled and released.
  let made = 0;
  for (let i = 0; i < 200; i++) {
    const m = new cv.Mat(480, 640, cv.CV_8UC1, i % 255);
    if (m.rows === 480 && m.at(479, 639) === i % 255) made++;
    m.release();
  }
  t.equal(made, 200, '200 frame-sized Mats made, filled and released');
});
