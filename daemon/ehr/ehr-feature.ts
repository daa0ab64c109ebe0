// The EHR side of the MQTT contract as one gateway feature: it subscribes to the request topics,
// routes each request to its handler, puts the linked patient id on check-ins before they are
// committed, re-checks inquiries the line could not answer, and purges its stored patient data.
import { patientIdOfAnswer } from './patient-links.js';
import type { IPublishPacket } from 'mqtt';
import type { FeatureContext, GatewayFeature } from '../feature.js';
import { soleInsurance, type CardCheckRequest, type InsuranceNumber } from '../../drivers/line/eligibility.js';
import { toPending } from '../../drivers/line/pending.js';
import { BatchRunner } from './batches.js';
import { handleInquiry } from './inquiries.js';
import { Limiter } from './limiter.js';
import { handlePatientLink } from './link-handler.js';
import { ReferenceRegistrar } from './reference-registrar.js';
import { PatientLinks } from './patient-links.js';
import { RecheckQueue } from './rechecks.js';
import { parseRequest, type IncomingRequest, type RequestKind } from './request.js';
import { Responder } from './responder.js';
import { ehrTopicsFor } from './topics.js';

const PURGE_EVERY_MS = 15 * 60 * 1000;
/** EHR inquiries sent to the line at once; the rest wait their turn (limiter.ts). */
const INQUIRIES_AT_ONCE = 4;
/** The EHR feature among a gateway's running features, if any (tests, benchmarks, CLI). */
export function ehrFeatureOf(running: { readonly features: readonly GatewayFeature[] }): EhrFeature | null {
  return (running.features.find((f) => f.name === 'ehr') as EhrFeature | undefined) ?? null;
}

export interface EhrFeature extends GatewayFeature {
  readonly links: PatientLinks;
  /** 照会番号 registrations of patient links (and the migration of old links). */
  readonly registrar: ReferenceRegistrar;
  readonly rechecks: RecheckQueue;
  readonly batches: BatchRunner;
  /** Requests being handled right now (tests wait for 0). */
  readonly busy: number;
  /** The broker has acknowledged the request subscriptions (since the last connect). */
  readonly subscribed: boolean;
  purge(): Promise<void>;
}

export function createEhrFeature(ctx: FeatureContext): EhrFeature | null {
  const config = ctx.config.ehr;
  if (!config.requests) return null;
  const logger = ctx.logger.child({ component: 'ehr' });
  const topics = ehrTopicsFor(ctx.topics);
  const links = new PatientLinks(ctx.db);
  const patientIdOf = (insurance: InsuranceNumber) => links.patientIdOf(insurance);
  const responder = new Responder(ctx.mqtt, ctx.config.gatewayId, topics.errors, logger);
  const rechecks = new RecheckQueue({
    db: ctx.db, outbox: ctx.outbox, line: ctx.devices.line, topic: topics.rechecks, gatewayId: ctx.config.gatewayId,
    intervalMs: config.recheckIntervalSeconds * 1000, maxAgeMs: config.recheckMaxAgeHours * 3600 * 1000, patientIdOf, logger,
    onCheckinAnswered: async (eventId, insurance) => links.remember(eventId, await links.keyFor(insurance)),
  });
  const batches = new BatchRunner({
    db: ctx.db, outbox: ctx.outbox, line: ctx.devices.line, responder, rechecks, gatewayId: ctx.config.gatewayId,
    maxPatients: config.maxBatchPatients, chunk: ctx.config.line.batchChunk, patientIdOf, logger,
    asyncBatches: config.asyncBatches, pollMs: Math.min(2000, config.recheckIntervalSeconds * 1000),
  });
  const registrar = new ReferenceRegistrar({
    db: ctx.db, line: ctx.devices.line, recheckTopic: topics.rechecks, intervalMs: config.recheckIntervalSeconds * 1000, logger,
  });
  const stopping = new AbortController();
  const routes = new Map<string, RequestKind>([[topics.inquiries, 'inquiry'], [topics.batches, 'batch'], [topics.patientsLink, 'patient-link']]);
  const inFlight = new Set<Promise<void>>();
  const inquiries = new Limiter(INQUIRIES_AT_ONCE);
  let removeEnricher: (() => void) | null = null;
  // A card check-in that met a line that was down: re-checked like an inquiry, answered on rechecks.
  // Stored before the check-in is committed (the gateway awaits this), so 'queued' is never a lie.
  const onRecheck = async (eventId: string, request: CardCheckRequest) => {
    await rechecks.enqueue('checkin', { requestId: eventId, correlationId: null }, toPending(request));
  };
  let removeRechecker: (() => void) | null = null;
  let purgeTimer: NodeJS.Timeout | null = null;
  let subscribed = false;

  const serve = (request: IncomingRequest): Promise<void> => {
    switch (request.kind) {
      case 'inquiry':
        return inquiries.run(() => handleInquiry(request, { line: ctx.devices.line, responder, rechecks, gatewayId: ctx.config.gatewayId, patientIdOf, signal: stopping.signal }));
      case 'batch':
        return batches.handle(request);
      case 'patient-link':
        return handlePatientLink(request, links, responder, ctx.config.gatewayId, registrar);
    }
  };

  const onMessage = (topic: string, payload: Buffer, packet: IPublishPacket) => {
    const kind = routes.get(topic);
    if (!kind) return;
    const request = parseRequest(kind, topic, payload, packet, topics.repliesPrefix);
    if (packet.retain) {
      // A retained request would be served again at every reconnect: refuse it, loudly.
      void responder.error(request, 'INVALID_REQUEST', 'requests must not be retained; publish with retain false', [{ field: '', message: 'was retained' }]);
      return;
    }
    if (stopping.signal.aborted) {
      void responder.error(request, 'SHUTTING_DOWN', 'the gateway is stopping; ask again when it is back');
      return;
    }
    const job: Promise<void> = serve(request)
      .catch(async (error: unknown) => {
        logger.error({ request: kind, err: String(error) }, 'EHR request failed');
        await responder.error(request, 'INTERNAL_ERROR', 'the gateway could not serve this request; see its log');
      })
      .finally(() => inFlight.delete(job));
    inFlight.add(job);
  };

  const subscribe = () => {
    subscribed = false;
    // MQTT 5: retain handling 2, so a request someone published retained is not served again at
    // every reconnect, and retain-as-published, so a live request published with retain arrives
    // flagged and onMessage refuses it as documented. 3.1.1 clears the flag on live messages (only
    // copies sent at subscribe carry it): there a live retained request cannot be told apart.
    const v5 = ctx.mqtt.options.protocolVersion === 5;
    ctx.mqtt.subscribe([...routes.keys()], { qos: 1, ...(v5 ? { rh: 2, rap: true } : {}) }, (error) => {
      if (error) logger.error({ err: error.message }, 'could not subscribe to the EHR request topics');
      else subscribed = true;
    });
  };

  const purge = async () => {
    const retentionMs = ctx.config.retentionHours * 3600 * 1000;
    const keys = await links.purge(retentionMs);
    const done = await ctx.db.run('DELETE FROM ehr_batches WHERE finished_at IS NOT NULL AND finished_at < ?', [Date.now() - retentionMs]);
    if (keys + done.changes > 0) logger.info({ linkKeys: keys, batches: done.changes }, 'purged EHR records past retention');
  };

  const feature: EhrFeature = {
    name: 'ehr',
    links,
    registrar,
    rechecks,
    batches,
    get busy() { return inFlight.size; },
    get subscribed() { return subscribed; },
    purge,
    async start() {
      removeEnricher = ctx.addCheckinEnricher(async (event) => {
        const insurance = soleInsurance(event.eligibility);
        if (insurance) await links.remember(event.eventId, await links.keyFor(insurance));
        const patientId = await patientIdOfAnswer(event.eligibility, patientIdOf);
        return patientId ? { ...event, patientId } : event;
      });
      removeRechecker = ctx.setCheckinRechecker(onRecheck);
      ctx.mqtt.on('message', onMessage);
      ctx.mqtt.on('connect', subscribe);
      if (ctx.mqtt.connected) subscribe();
      rechecks.start();
      await registrar.start();
      const resumed = await batches.resume();
      if (resumed > 0) logger.info({ batches: resumed }, 'resuming unfinished batches');
      purgeTimer = setInterval(() => void purge().catch(() => {}), PURGE_EVERY_MS);
      purgeTimer.unref();
      void purge().catch(() => {});
    },
    async stop() {
      stopping.abort();
      removeEnricher?.();
      if (purgeTimer) clearInterval(purgeTimer);
      removeRechecker?.();
      ctx.mqtt.off('message', onMessage);
      ctx.mqtt.off('connect', subscribe);
      await Promise.allSettled([...inFlight]);
      await batches.stop();
      await rechecks.stop();
      await registrar.stop();
    },
  };
  return feature;
}
