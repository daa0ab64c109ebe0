// The official file exchange as a gateway feature (docs/ehr-files.md): face results for every
// answered check-in, request files answered, old files purged, and its state on /status. Switched
// on with ehrFiles.enabled and a folder.
import type { FeatureContext, FeatureFactory, GatewayFeature } from '../feature.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import { FaceWriter } from './face-writer.js';
import { RequestFolder } from './requests.js';
import { purgeOldFiles } from './retention.js';

const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface EhrFilesFeature extends GatewayFeature {
  readonly faces: FaceWriter | null;
  readonly requests: RequestFolder | null;
  /** Resolves when every committed check-in's face result is written (tests). */
  settled(): Promise<void>;
}

export function ehrFilesFeatureOf(running: { readonly features: readonly GatewayFeature[] }): EhrFilesFeature | null {
  return (running.features.find((f) => f.name === 'ehr-files') as EhrFilesFeature | undefined) ?? null;
}

export const createEhrFilesFeature: FeatureFactory = (ctx: FeatureContext): EhrFilesFeature | null => {
  const config = ctx.config.ehrFiles;
  if (!config.enabled) return null;
  const logger = ctx.logger.child({ component: 'ehr-files' });
  const stopping = new AbortController();
  const faces = config.faceResults
    ? new FaceWriter({ db: ctx.db, checkinsTopic: ctx.topics.checkins, folder: config.folder, medicalInstitutionCode: ctx.config.medicalInstitutionCode, retryMs: config.retrySeconds * 1000, logger })
    : null;
  const checkinById = async (eventId: string): Promise<CheckinEvent | null> => {
    const row = await ctx.db.get<{ payload: string }>('SELECT payload FROM outbox WHERE event_id = ? AND topic = ?', [eventId, ctx.topics.checkins]);
    return row ? (JSON.parse(row.payload) as CheckinEvent) : null;
  };
  const requests = config.requests
    ? new RequestFolder({
        folder: config.folder, line: ctx.devices.line, medicalInstitutionCode: ctx.config.medicalInstitutionCode, maxBatchPatients: ctx.config.ehr.maxBatchPatients,
        settleMs: config.settleMilliseconds, concurrency: config.concurrency, checkinById, logger, signal: stopping.signal,
      })
    : null;
  let requestError: string | null = null;
  let lastScanAt: number | null = null;
  let scanTimer: NodeJS.Timeout | null = null;
  let purgeTimer: NodeJS.Timeout | null = null;
  let scanning: Promise<void> = Promise.resolve();
  const onCheckin = () => faces?.kick();
  let removeStatus: (() => void) | null = null;

  const scanLoop = () => {
    if (!requests || stopping.signal.aborted) return;
    scanning = requests
      .scan()
      .then(
        () => {
          if (requestError) logger.info('request folder available again');
          requestError = null;
          lastScanAt = Date.now();
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (requestError !== message) logger.warn({ err: message }, 'request folder unavailable; retrying');
          requestError = message;
        },
      )
      .finally(() => {
        if (stopping.signal.aborted) return;
        scanTimer = setTimeout(scanLoop, requestError ? config.retrySeconds * 1000 : config.pollMilliseconds);
        scanTimer.unref();
      });
  };

  const purge = async () => {
    const removed = await purgeOldFiles(config.folder, config.retentionDays * 86400 * 1000);
    if (removed > 0) logger.info({ removed }, 'deleted exchange files past retention');
  };

  return {
    name: 'ehr-files',
    faces,
    requests,
    async start() {
      removeStatus = ctx.addStatusSection('ehrFiles', async () => ({
        folder: config.folder,
        faceResults: faces ? await faces.status() : null,
        requests: requests ? { ...requests.counts, lastScanAt: lastScanAt === null ? null : new Date(lastScanAt).toISOString(), lastError: requestError } : null,
      }));
      if (faces) {
        ctx.bus.on('checkin', onCheckin);
        await faces.start();
      }
      scanLoop();
      purgeTimer = setInterval(() => void purge().catch(() => {}), PURGE_EVERY_MS);
      purgeTimer.unref();
      void purge().catch(() => {});
    },
    async stop() {
      stopping.abort();
      removeStatus?.();
      ctx.bus.off('checkin', onCheckin);
      if (scanTimer) clearTimeout(scanTimer);
      if (purgeTimer) clearInterval(purgeTimer);
      await scanning;
      await faces?.stop();
    },
    async settled() {
      await faces?.settled();
    },
  };
};
