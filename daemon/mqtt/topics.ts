// Topic names of the MQTT contract (docs/mqtt.md). Built here only, so a rename is one edit.
export interface Topics {
  readonly base: string;
  readonly status: string;
  readerState(readerId: string): string;
  readonly checkins: string;
  /** The same check-ins as HL7 FHIR R4 Bundles (JP Core), when the fhir feature is on (docs/fhir.md). */
  readonly fhirCheckins: string;
  readonly inquiries: string;
  readonly batches: string;
  /** Demo only: publish anything here to simulate a card being placed. */
  readonly demoCheckin: string;
}

export function topicsFor(baseTemplate: string, gatewayId: string): Topics {
  const base = baseTemplate.replaceAll('{gatewayId}', gatewayId).replace(/\/+$/, '');
  return {
    base,
    status: `${base}/status`,
    readerState: (readerId) => `${base}/readers/${readerId}/state`,
    checkins: `${base}/checkins`,
    fhirCheckins: `${base}/fhir/checkins`,
    inquiries: `${base}/inquiries`,
    batches: `${base}/batches`,
    demoCheckin: `${base}/demo/checkin`,
  };
}
