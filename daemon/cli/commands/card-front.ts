// `oqsgw card front IMAGE... [--json]`: the technician's check of the card-front reader. Prints,
// for each picture, the fields found with Tesseract's confidence and the 照合番号B they make, then
// whether the reader would use a key (two pictures, read at two sizes, agreeing, none disagreeing). The key and the
// fields go to this terminal only: never to a log, never to a file.
import type { Command } from 'commander';
import { loadConfig } from '../../../config/load.js';
import { createFrontOcr, DEFAULT_TESSDATA_DIR } from '../../../drivers/card/front/front-ocr.js';
import { CardFrontReader, type FrameReading } from '../../../drivers/card/front/front-reader.js';
import { ImagesFrontSource } from '../../../drivers/card/front/front-sources.js';
import { loadFrontOpenCv } from '../../../drivers/card/front/opencv.js';
import { eraInfo } from '../../../vocabulary/face-key.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';

interface FrontOptions { json?: boolean; config?: string; tessdata?: string }

const WHY_TEXT: Record<string, string> = {
  FRONT_NOT_FOUND: 'no card outline found whole in the pictures: place the card flat, fully in view',
  FRONT_UNREADABLE: 'the fields did not give the same valid key on two pictures read at two sizes: hold still, better light',
  FRONT_KEY_REFUSED_BEFORE: 'the card refused this key before',
};

function describeFrame(file: string, r: FrameReading): Record<string, unknown> {
  const { birth, expiry, code } = r.fields;
  return {
    file,
    fields: {
      birth: birth ? `${eraInfo(birth.era).kanji}${birth.eraYear === 1 ? '元' : birth.eraYear}年${birth.month}月${birth.day}日` : null,
      expiry: expiry ? `${expiry.year}年${expiry.month}月${expiry.day}日まで有効` : null,
      code: code ?? null,
    },
    confidence: r.lines ? { birth: Math.round(r.lines.birth.confidence), expiry: Math.round(r.lines.expiry.confidence), code: Math.round(r.lines.code.confidence) } : null,
    key: r.key ? r.key.bytes().toString('ascii') : null,
    problem: r.why,
  };
}

export function registerCardFrontCommand(card: Command): void {
  card
    .command('front')
    .description("Read 照合番号B from pictures of the card's front (JPEG/PNG): fields, confidence, the key, and whether the reader would use it. Terminal only, never logged")
    .argument('<images...>', "pictures of the card's front, in the order a camera would deliver them")
    .option('--json', 'print JSON')
    .option('--config <file>', 'take card.front.tessdataDir from this config')
    .option('--tessdata <dir>', `folder with jpn.traineddata (default ${DEFAULT_TESSDATA_DIR})`)
    .action(async (images: string[], options: FrontOptions) => {
      let reader: CardFrontReader | null = null;
      try {
        const tessdata = options.tessdata ?? (options.config ? loadConfig(options.config).card.front.tessdataDir : DEFAULT_TESSDATA_DIR);
        const cv = await loadFrontOpenCv();
        reader = new CardFrontReader(cv, createFrontOcr(cv, tessdata));
        const frames = [];
        for (const file of images) {
          const one = new ImagesFrontSource([file]);
          await one.open();
          frames.push(describeFrame(file, await reader.readFrame(await one.read())));
        }
        const source = new ImagesFrontSource(images);
        await source.open();
        const result = await reader.readKey(source, { timeLimitMs: 600_000, maxFrames: images.length });
        const decision = result.ok
          ? { key: result.key.bytes().toString('ascii'), used: true, why: `read the same on ${result.frames} pictures at two sizes; every check passed` }
          : {
              key: null,
              used: false,
              why: `${result.why}: ${result.lastFrame === 'FRAMES_DISAGREE' ? 'pictures read the key or a part of it differently, and no reading won by two pictures (a lost digit never wins)' : (WHY_TEXT[result.why] ?? '')}${images.length < 2 ? ' (one picture is never enough)' : ''}`,
            };
        if (options.json) process.stdout.write(`${JSON.stringify({ frames, ...decision })}\n`);
        else {
          for (const f of frames) process.stdout.write(`${JSON.stringify(f)}\n`);
          process.stdout.write(`照合番号B ${decision.key ?? '-'}  ${decision.used ? 'would be used' : 'would NOT be used'}: ${decision.why}\n`);
        }
        if (!result.ok) process.exitCode = 1;
      } catch (error) {
        const e = error instanceof GatewayError ? { code: error.code, message: error.message } : { code: 'INTERNAL_ERROR', message: String(error) };
        if (options.json) process.stdout.write(`${JSON.stringify({ error: e })}\n`);
        else process.stderr.write(`error: ${JSON.stringify(e)}\n`);
        process.exitCode = 1;
      } finally {
        await reader?.close();
      }
    });
}
