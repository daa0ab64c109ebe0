// `oqsgw fhir <eventId>`: a check-in's Bundle from the store — the one committed for publishing
// when there is one, else built now from the stored check-in (same mapping, same ids).
import type { GatewayConfig } from '../../config/schema.js';
import type { CheckinEvent } from '../flow/checkin-event.js';
import type { Database } from '../store/database.js';
import { checkinBundle, type CheckinBundle } from './bundle.js';
import { fhirOutboxId } from './fhir-feature.js';

export type BundleLookup =
  | { readonly found: 'published' | 'built'; readonly bundle: CheckinBundle }
  | { readonly found: 'no-checkin' }
  | { readonly found: 'no-person' };

export async function lookupBundle(db: Database, config: GatewayConfig, eventId: string): Promise<BundleLookup> {
  const stored = await db.get<{ payload: string }>('SELECT payload FROM outbox WHERE event_id = ?', [fhirOutboxId(eventId)]);
  if (stored) return { found: 'published', bundle: JSON.parse(stored.payload) as CheckinBundle };
  const checkin = await db.get<{ payload: string }>("SELECT payload FROM outbox WHERE event_id = ? AND topic NOT LIKE '%/fhir/%'", [eventId]);
  if (!checkin) return { found: 'no-checkin' };
  const bundle = checkinBundle(JSON.parse(checkin.payload) as CheckinEvent, { medicalInstitutionCode: config.medicalInstitutionCode || undefined });
  return bundle ? { found: 'built', bundle } : { found: 'no-person' };
}
