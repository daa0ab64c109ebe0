// A test EHR: an MQTT client (v5 or v3.1.1) that subscribes to its own reply topic and the
// gateway's topics, keeps everything it receives, and sends requests the way a vendor would.
import { randomUUID } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { waitFor } from './ports.js';

export interface Received {
  readonly topic: string;
  readonly body: Record<string, unknown>;
  readonly retain: boolean;
  readonly correlationData: Buffer | null;
}

export interface TestEhr {
  readonly client: MqttClient;
  readonly received: Received[];
  readonly replyTopic: string;
  on(topic: string): Received[];
  /** Publishes a request and waits for the first answer on the reply topic that matches. */
  ask(topic: string, body: object | string, options?: { correlation?: string; v5Reply?: boolean; retain?: boolean }): Promise<Received>;
  waitOn(topic: string, match: (m: Received) => boolean, timeoutMs?: number): Promise<Received>;
  end(): Promise<void>;
}

export async function connectEhr(url: string, base: string, options: { protocolVersion: 4 | 5; clientId?: string } & Partial<IClientOptions>): Promise<TestEhr> {
  const clientId = options.clientId ?? `ehr-${randomUUID().slice(0, 8)}`;
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...options, clientId });
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      body = { unparsed: payload.toString('utf8') };
    }
    received.push({ topic, body, retain: packet.retain, correlationData: packet.properties?.correlationData ?? null });
  });
  const replyTopic = `${base}/replies/${clientId}`;
  await client.subscribeAsync([replyTopic, `${base}/errors`, `${base}/checkins`, `${base}/inquiries/rechecks`], { qos: 1 });
  const waitOn = (topic: string, match: (m: Received) => boolean, timeoutMs = 20000) =>
    waitFor(`a message on ${topic}`, () => received.find((m) => m.topic === topic && match(m)), timeoutMs);
  return {
    client,
    received,
    replyTopic,
    on: (topic) => received.filter((m) => m.topic === topic),
    waitOn,
    async ask(topic, body, opts = {}) {
      const correlation = opts.correlation ?? randomUUID();
      const v5 = options.protocolVersion === 5 && opts.v5Reply !== false;
      const payload = typeof body === 'string' ? body : JSON.stringify(v5 ? body : { replyTo: replyTopic, correlationId: correlation, ...body });
      await client.publishAsync(topic, payload, {
        qos: 1,
        retain: opts.retain ?? false,
        ...(v5 ? { properties: { responseTopic: replyTopic, correlationData: Buffer.from(correlation) } } : {}),
      });
      return waitOn(replyTopic, (m) => m.correlationData?.toString() === correlation || m.body.correlationId === correlation);
    },
    end: async () => {
      await client.endAsync(true);
    },
  };
}
