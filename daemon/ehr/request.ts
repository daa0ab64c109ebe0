// An EHR request as it arrives: the JSON body, and where to answer. MQTT 5 clients give a Response
// Topic and Correlation Data as properties; MQTT 3.1.1 clients (the demo's broker) put replyTo and
// correlationId in the payload. Properties win when both are there.
import type { IPublishPacket } from 'mqtt';
import type { FieldError } from '../mqtt/schemas.js';

export type RequestKind = 'inquiry' | 'batch' | 'patient-link';

export interface ReplyAddress {
  readonly topic: string;
  /** MQTT 5 Correlation Data, echoed as a property. */
  readonly correlationData: Buffer | null;
}

export interface IncomingRequest {
  readonly kind: RequestKind;
  readonly topic: string;
  readonly body: unknown;
  /** Null when the request gave nowhere (usable) to answer: answers go to <base>/errors. */
  readonly reply: ReplyAddress | null;
  /** Why the reply topic was refused, reported with the error. */
  readonly replyProblem: FieldError | null;
  readonly requestId: string | null;
  readonly correlationId: string | null;
  /** The payload was not JSON at all. */
  readonly unreadable: boolean;
}

function stringField(body: unknown, key: string): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : null;
}

/** A reply topic must sit under the gateway's replies prefix and hold no wildcard. */
export function replyTopicProblem(topic: string, prefix: string): string | null {
  if (/[#+\u0000]/.test(topic)) return 'must not contain the wildcards + or #';
  if (!topic.startsWith(prefix) || topic.length === prefix.length) return `must start with ${prefix} (the gateway answers under its own base only)`;
  if (Buffer.byteLength(topic) > 512) return 'is too long (512 bytes at most)';
  return null;
}

export function parseRequest(kind: RequestKind, topic: string, payload: Buffer, packet: IPublishPacket, repliesPrefix: string): IncomingRequest {
  let body: unknown = null;
  let unreadable = false;
  try {
    body = JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    unreadable = true;
  }
  const properties = packet.properties;
  const correlationData = properties?.correlationData ?? null;
  const fromProperty = properties?.responseTopic ?? null;
  const topicWanted = fromProperty ?? stringField(body, 'replyTo');
  const field = fromProperty !== null ? '(MQTT 5 Response Topic)' : '/replyTo';
  let reply: ReplyAddress | null = null;
  let replyProblem: FieldError | null = null;
  if (topicWanted !== null) {
    const problem = replyTopicProblem(topicWanted, repliesPrefix);
    if (problem) replyProblem = { field, message: problem };
    else reply = { topic: topicWanted, correlationData };
  }
  // Properties win (docs/mqtt.md): with Correlation Data, the payload's correlationId is ignored.
  const correlationId = correlationData ? printable(correlationData) : stringField(body, 'correlationId');
  return { kind, topic, body, reply, replyProblem, requestId: stringField(body, 'requestId'), correlationId, unreadable };
}

/** Correlation Data is binary; echoed in the payload only when it is readable text. */
function printable(data: Buffer): string | null {
  const text = data.toString('utf8');
  return data.length <= 256 && !text.includes('\uFFFD') && !/[\u0000-\u001f]/.test(text) ? text : null;
}
