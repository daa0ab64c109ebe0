// `oqsgw face compare A B [--json]` and `oqsgw face calibrate`: the face driver's engine on files,
// for technicians checking a camera set-up and for re-measuring the threshold.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../../config/load.js';
import { FaceConfigSchema } from '../../../drivers/face/config.js';
import { MODEL_THRESHOLDS, thresholdFor } from '../../../drivers/face/model-thresholds.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';

type FaceModel = keyof typeof MODEL_THRESHOLDS;
const DEFAULT_MODEL = FaceConfigSchema.properties.model.default as FaceModel;

function parseModel(value: string): FaceModel {
  if (!(value in MODEL_THRESHOLDS)) throw new Error(`--model must be one of ${Object.keys(MODEL_THRESHOLDS).join(', ')}, not "${value}"`);
  return value as FaceModel;
}

function parseThreshold(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--threshold must be a number from 0 to 1, not "${value}"`);
  return n;
}

export function registerFaceCommands(program: Command): void {
  const face = program.command('face').description('Face matching: compare two pictures, or measure accuracy on a labelled set');
  face
    .command('compare')
    .argument('<a>', 'first picture (JPEG, PNG or JPEG 2000), e.g. a card photo')
    .argument('<b>', 'second picture, e.g. a camera still')
    .option('--json', 'print the result as JSON')
    .option('--threshold <similarity>', "decision threshold (default: face.threshold from --config, else the model's measured threshold)", parseThreshold)
    .option('--model <name>', `descriptor model: ${Object.keys(MODEL_THRESHOLDS).join(' or ')} (default: face.model from --config, else ${DEFAULT_MODEL})`, parseModel)
    .option('-c, --config <file>', 'take face.model and face.threshold from this config file')
    .description('Prints the faces found, the similarity and the decision for the main face of two pictures')
    .action(async (a: string, b: string, opts: { json?: boolean; threshold?: number; model?: FaceModel; config?: string }) => {
      const section = opts.config ? loadConfig(opts.config).face : undefined;
      const model = opts.model ?? section?.model ?? DEFAULT_MODEL;
      const threshold = opts.threshold ?? thresholdFor(model, section?.threshold);
      const { compareImages } = await import('../../../drivers/face/compare.js');
      try {
        const [x, y] = await Promise.all([readFile(a), readFile(b)]);
        const result = await compareImages(x, y, threshold, model);
        if (opts.json) console.log(JSON.stringify({ a, b, ...result }));
        else {
          console.log(`faces found: ${result.faces[0]} in ${a}, ${result.faces[1]} in ${b}`);
          console.log(`distance:    ${result.distance ?? '-'}`);
          console.log(`similarity:  ${result.similarity ?? '-'} (threshold ${result.threshold}, model ${result.model})`);
          console.log(`decision:    ${result.decision}`);
        }
        process.exitCode = result.decision === 'match' ? 0 : 1;
      } catch (error) {
        const message = error instanceof GatewayError ? `${error.code}: ${error.message}` : (error as Error).message;
        if (opts.json) console.log(JSON.stringify({ a, b, error: message }));
        else console.error(`face compare: ${message}`);
        process.exitCode = 2;
      }
    });
  face
    .command('calibrate')
    .option('--data <dir>', 'labelled set: a folder with pairs.csv (file_x,file_y,Decision) and the pictures', undefined)
    .option('--far <rate>', 'target false-accept rate (default: face.targetFar from --config, else 0.001)')
    .option('--model <name>', `descriptor model: ${Object.keys(MODEL_THRESHOLDS).join(' or ')} (default: face.model from --config, else ${DEFAULT_MODEL})`, parseModel)
    .option('--threshold <similarity>', "threshold for the `production` figures (default: face.threshold from --config, else the model's)", parseThreshold)
    .option('-c, --config <file>', 'take face.model, face.threshold and face.targetFar from this config file')
    .option('--json', 'print the report as JSON (top-level `production`: {threshold, far, frr, noFace, pairs}, rates as fractions)')
    .description('Measures the face model on labelled pairs: FAR/FRR at the threshold in force and the threshold for the target FAR')
    .action(async (opts: { data?: string; far?: string; model?: FaceModel; threshold?: number; config?: string; json?: boolean }) => {
      const section = opts.config ? loadConfig(opts.config).face : undefined;
      const targetFar = opts.far === undefined ? (section?.targetFar ?? 0.001) : Number(opts.far);
      if (!Number.isFinite(targetFar) || targetFar < 0 || targetFar > 0.5) throw new Error(`--far must be a fraction from 0 to 0.5, not "${opts.far}"`);
      const { calibrate, defaultFaceDataDir } = await import('../../../drivers/face/calibration.js');
      const { formatCalibration } = await import('../../../drivers/face/calibration-text.js');
      const report = await calibrate({
        dir: opts.data ?? defaultFaceDataDir(), targetFar,
        model: opts.model ?? section?.model, threshold: opts.threshold ?? section?.threshold,
        onProgress: (m) => process.stderr.write(`\r${m}`),
      });
      process.stderr.write('\n');
      if ('skipped' in report) {
        console.log(opts.json ? JSON.stringify(report) : `skipped: ${report.skipped}`);
        return;
      }
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatCalibration(report));
    });
}
