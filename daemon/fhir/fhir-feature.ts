// The FHIR feature: follows committed check-ins in the outbox and commits each one's Bundle to the
// outbox too, on <base>/fhir/checkins (QoS 1, delivered like check-ins: nothing lost, at least once,
// across restarts). A Bundle that breaks the JP Core rules is not published; the check-in is.
import type { FeatureContext, FeatureFactory, GatewayFeature } from '../feature.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import { FollowerLoop, OutboxFollower, type FollowedMessage } from '../store/outbox-follower.js';
import { checkinBundle } from './bundle.js';
import { jpCoreProblems } from './jp-core-rules.js';

/** The outbox id of a check-in's Bundle: the outbox keys every message by a unique id. */
export const fhirOutboxId = (eventId: string) => `fhir:${eventId}`;

export interface FhirFeature extends GatewayFeature {
  /** Resolves when every committed check-in has been turned into its Bundle (tests). */
  settled(): Promise<void>;
}

export const createFhirFeature: FeatureFactory = (ctx: FeatureContext): FhirFeature | null => {
  if (!ctx.config.fhir.enabled) return null;
  const logger = ctx.logger.child({ component: 'fhir' });
  const follower = new OutboxFollower(ctx.db, 'fhir', ctx.topics.checkins);
  const handle = async (messages: readonly FollowedMessage[]) => {
    for (const message of messages) {
      let event: CheckinEvent;
      try {
        event = JSON.parse(message.payload) as CheckinEvent;
      } catch {
        logger.error({ eventId: message.eventId }, 'stored check-in is not JSON; no FHIR bundle for it');
        continue;
      }
      const bundle = checkinBundle(event, { medicalInstitutionCode: ctx.config.medicalInstitutionCode || undefined });
      if (!bundle) continue;
      const problems = jpCoreProblems(bundle);
      if (problems.length > 0) {
        // Only the event id and the rule: the bundle holds patient data.
        logger.error({ eventId: event.eventId, problems }, 'FHIR bundle breaks JP Core rules; not published');
        continue;
      }
      await ctx.outbox.commit(fhirOutboxId(event.eventId), ctx.topics.fhirCheckins, bundle);
    }
  };
  const loop = new FollowerLoop(follower, handle, (error) => logger.error({ err: String(error) }, 'FHIR pass failed; retried on the next check-in'));
  const onCheckin = () => loop.kick();
  return {
    name: 'fhir',
    async start() {
      await follower.init();
      ctx.bus.on('checkin', onCheckin);
      loop.kick();
    },
    async stop() {
      ctx.bus.off('checkin', onCheckin);
      await loop.stop();
    },
    async settled() {
      for (;;) {
        await loop.idle();
        if ((await follower.behind()) === 0) return;
        loop.kick();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
};
