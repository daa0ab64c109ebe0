// The EHR side's topics, beside the core's (daemon/mqtt/topics.ts): built here only.
import type { Topics } from '../mqtt/topics.js';

export interface EhrTopics {
  readonly inquiries: string;
  readonly batches: string;
  readonly patientsLink: string;
  /** Re-checked answers of inquiries (and batch patients) that met a line that was down. */
  readonly rechecks: string;
  /** Errors for requests that gave no usable reply topic: never silence. */
  readonly errors: string;
  /** Every reply topic must start with this: the gateway writes under its own base only (ACL). */
  readonly repliesPrefix: string;
}

export function ehrTopicsFor(topics: Topics): EhrTopics {
  return {
    inquiries: topics.inquiries,
    batches: topics.batches,
    patientsLink: `${topics.base}/patients/link`,
    rechecks: `${topics.inquiries}/rechecks`,
    errors: `${topics.base}/errors`,
    repliesPrefix: `${topics.base}/replies/`,
  };
}
