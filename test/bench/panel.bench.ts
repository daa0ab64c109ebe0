// The reader panel link: frame decoding throughput, a question's round trip over a socat pty
// pair (gateway driver <-> panel simulator, patient answering at once), and how long the link
// takes to come back after the cable returns. Progress on stderr only.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CONSENT_ITEMS } from '../../vocabulary/consent.js';
import { encodeFrame, FRAME_TYPES, FrameDecoder } from '../../drivers/panel/protocol/frame.js';
import { panelRig, waitForLink } from '../helpers/panel-rig.js';
import { summarise, type BenchReport } from './report.js';

function decodeBench(): BenchReport {
  const payload = Buffer.from(JSON.stringify({ screen: 'see-desk', title: { ja: '受付窓口へお越しください', en: 'Please see the desk' } }));
  const wire = Buffer.concat(Array.from({ length: 20000 }, (_, i) => encodeFrame(FRAME_TYPES.SHOW, i & 0xff, payload)));
  const decoder = new FrameDecoder();
  const started = performance.now();
  let frames = 0;
  for (let at = 0; at < wire.length; at += 64) for (const e of decoder.push(wire.subarray(at, at + 64))) if (e.kind === 'frame') frames++;
  const seconds = (performance.now() - started) / 1000;
  return {
    name: 'panel frame decoder',
    method: `${frames} SHOW frames (${payload.length + 7} bytes each) fed in 64-byte chunks, one decoder, one run`,
    figures: [
      { name: 'frames per second', value: Math.round(frames / seconds), unit: 'frames/s' },
      { name: 'throughput', value: Number((wire.length / seconds / 2 ** 20).toFixed(1)), unit: 'MiB/s' },
    ],
  };
}

async function linkBench(): Promise<BenchReport[]> {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
  } catch {
    const skipped = 'socat not installed';
    return [{ name: 'panel question round trip', method: '', figures: [], skipped }, { name: 'panel reconnect', method: '', figures: [], skipped }];
  }
  const rig = await panelRig({ script: { consent: 'all-yes' } });
  try {
    const samples: number[] = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      await rig.panel.askConsent(CONSENT_ITEMS, new AbortController().signal);
      samples.push(performance.now() - started);
      if (i % 100 === 0) process.stderr.write(`panel: round trip ${i}/300\n`);
    }
    const rt = summarise(samples);
    const back: number[] = [];
    for (let i = 0; i < 5; i++) {
      await rig.pair.pull();
      await waitForLink(rig.panel, false);
      await rig.pair.plug();
      const plugged = performance.now();
      await waitForLink(rig.panel, true);
      back.push(performance.now() - plugged);
      process.stderr.write(`panel: reconnect ${i + 1}/5\n`);
    }
    const rc = summarise(back);
    return [
      {
        name: 'panel question round trip',
        method: 'askConsent with all 5 items over a socat pty pair (a pty does not pace bytes at the baud rate), simulator answering at once; 300 runs',
        figures: [
          { name: 'median', value: Number(rt.median.toFixed(2)), unit: 'ms' },
          { name: 'p95', value: Number(rt.p95.toFixed(2)), unit: 'ms' },
        ],
      },
      {
        name: 'panel reconnect',
        method: 'socat killed and restarted (cable pulled and returned); time from the new pty pair to link up; backoff 50-200 ms; 5 runs',
        figures: [
          { name: 'median', value: Math.round(rc.median), unit: 'ms' },
          { name: 'p95', value: Math.round(rc.p95), unit: 'ms' },
        ],
      },
    ];
  } finally {
    await rig.close();
  }
}

export default async (): Promise<BenchReport[]> => [decodeBench(), ...(await linkBench())];
