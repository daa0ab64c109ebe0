// Child of test/unit/drivers/card/front-no-trace.test.ts: reads a generated card front (made in
// memory) through the real reader, with a debug logger on stderr, and prints only a verdict.
import { createFrontOcr } from '../../drivers/card/front/front-ocr.js';
import { CardFrontReader } from '../../drivers/card/front/front-reader.js';
import { ImagesFrontSource } from '../../drivers/card/front/front-sources.js';
import { loadFrontOpenCv } from '../../drivers/card/front/opencv.js';
import { generateFrontFrames } from '../../drivers/card/sim/front-generator.js';
import { createLogger } from '../../vocabulary/log.js';

const logger = createLogger('debug', process.stderr);
const cv = await loadFrontOpenCv();
const front = generateFrontFrames(cv, 21, 3, { damage: { angle: 6, perspective: 0.02, blur: 0, glare: false, light: 1, jpegQuality: 85, finger: false, offFrame: false } });
const reader = new CardFrontReader(cv, createFrontOcr(cv));
const source = new ImagesFrontSource(front.shots.map((s) => s.jpeg));
await source.open();
const result = await reader.readKey(source, { timeLimitMs: 120_000, maxFrames: 3, now: () => new Date('2026-11-29T00:00:00Z') });
// What a careless caller might log: the result object and the key itself.
logger.debug({ result, key: result.ok ? result.key : null }, 'card front read');
logger.info({ ok: result.ok, frames: result.frames }, 'card front done');
await reader.close();
// The verdict for the parent, as a hash-free yes/no plus the truth to search for.
process.stdout.write(`${JSON.stringify({ right: result.ok && result.key.bytes().toString('ascii') === front.key, truth: front.key, code: front.spec.code })}\n`);
