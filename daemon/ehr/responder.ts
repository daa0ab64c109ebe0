// Answers to EHR requests. Immediate answers (accepted, inquiry answers, link results, errors) are
// sent QoS 1 straight to the reply topic and not stored: the requester is waiting and simply asks
// again if nothing comes (every request is safe to repeat), so storing patient data for them would
// buy nothing. What arrives later (batch items, summaries, re-checks) goes through the outbox.
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../vocabulary/log.js';
import { publishAsync } from '../mqtt/connection.js';
import type { IncomingRequest, ReplyAddress, RequestKind } from './request.js';
import type { FieldError } from '../mqtt/schemas.js';

export const REQUEST_ERROR_CODES = ['INVALID_REQUEST', 'UNKNOWN_EVENT', 'NOT_LINKABLE', 'BATCH_TOO_LARGE', 'SHUTTING_DOWN', 'INTERNAL_ERROR'] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

export interface ErrorPayload {
  readonly schema: 'oqs.error.v1';
  readonly gatewayId: string;
  readonly time: string;
  readonly request: RequestKind;
  readonly topic: string;
  readonly requestId: string | null;
  readonly correlationId: string | null;
  readonly code: RequestErrorCode;
  readonly message: string;
  readonly errors: readonly FieldError[];
}

export class Responder {
  constructor(
    private readonly client: MqttClient,
    private readonly gatewayId: string,
    private readonly errorsTopic: string,
    private readonly logger: Logger,
  ) {}

  /** QoS 1 to the reply address, with the MQTT 5 correlation data echoed when there is one. */
  async send(reply: ReplyAddress, payload: object): Promise<void> {
    const v5 = this.client.options.protocolVersion === 5;
    await publishAsync(this.client, reply.topic, JSON.stringify(payload), {
      qos: 1,
      ...(v5 ? { properties: { contentType: 'application/json', ...(reply.correlationData ? { correlationData: reply.correlationData } : {}) } } : {}),
    }).catch((error: unknown) => this.logger.warn({ topic: reply.topic, err: String(error) }, 'answer to an EHR request not sent'));
  }

  /** Never silence: to the reply topic when there is one, else to <base>/errors. */
  async error(request: IncomingRequest, code: RequestErrorCode, message: string, errors: readonly FieldError[] = []): Promise<void> {
    const payload: ErrorPayload = {
      schema: 'oqs.error.v1',
      gatewayId: this.gatewayId,
      time: new Date().toISOString(),
      request: request.kind,
      topic: request.topic,
      requestId: request.requestId,
      correlationId: request.correlationId,
      code,
      message,
      errors: request.replyProblem ? [request.replyProblem, ...errors] : errors,
    };
    // Fields are schema names and indices only (schemas.ts never echoes a requester's key names); capped all the same.
    this.logger.info({ request: request.kind, code, fields: payload.errors.slice(0, 10).map((e) => e.field.slice(0, 128)), count: payload.errors.length }, 'EHR request refused');
    await this.send(request.reply ?? { topic: this.errorsTopic, correlationData: null }, payload);
  }
}
