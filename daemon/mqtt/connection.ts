// The one MQTT client of the daemon: it owns the connection, reconnects, the Last Will, TLS and
// the refusal to send patient data in clear to a broker off this machine (invariant 5).
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../vocabulary/log.js';
import { brokerNode } from './broker-url.js';
import type { MqttConfig } from './config.js';

// The URL checks live apart (broker-url.ts) so `start` can refuse a config before loading mqtt.
export { BrokerConfigError, brokerNode, brokerUrls, checkBrokerUrl, checkBrokerUrls, isLoopbackHost } from './broker-url.js';

export interface ConnectionOptions {
  /** The broker nodes in order of preference (mqtt.urls, or mqtt.url alone); at least one. */
  readonly urls: readonly string[];
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  readonly will: { readonly topic: string; readonly payload: string };
  readonly config: MqttConfig;
  readonly logger: Logger;
  /** Wait between reconnect attempts; mqtt.reconnectMilliseconds unless given. */
  readonly reconnectPeriodMs?: number;
  /** Called (from the first 'connect' listener) when a connection comes up on another node than
   * the one whose connection was lost, with the time of that loss. Not after a failback (the node
   * left is up). */
  readonly onFailover?: (event: FailoverEvent) => void;
  /** The node the previous run of the gateway used and when it was last known up (its last
   * acknowledgement): a first connection to another node is reported as a failover from it. */
  readonly previous?: { readonly node: string; readonly lostAt: number } | null;
  /** Called on every connection with the node (host:port), e.g. to remember it across restarts. */
  readonly onConnected?: (node: string) => void;
}

export interface FailoverEvent {
  /** host:port of the node lost and of the node now used. */
  readonly from: string;
  readonly to: string;
  readonly lostAt: number;
}

// mqtt.js's own interval reconnects at one fixed period; ours waits longer after each round of
// every node failing, so it drives the attempts itself and parks mqtt.js's timer this far away.
const PARKED = 2_147_483_647;

export function connectBroker(options: ConnectionOptions): MqttClient {
  const { config, logger } = options;
  if (options.urls.length === 0) throw new Error('connectBroker: no broker URL');
  const nodes = options.urls.map((url) => {
    const u = new URL(url);
    return { url, node: brokerNode(url), host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(brokerNode(url).split(':').pop()), protocol: u.protocol.slice(0, -1) };
  });
  const read = (file: string) => (file ? readFileSync(file) : undefined);
  const base = options.reconnectPeriodMs ?? config.reconnectMilliseconds ?? 2000;
  const max = Math.max(base, config.reconnectMaxMilliseconds ?? 30_000);
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    protocolVersion: options.protocolVersion,
    clean: false, // a persistent session: QoS 1 messages in flight survive a reconnect
    ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 7 * 24 * 3600 } } : {}),
    // > 0 keeps mqtt.js's resubscribe-on-a-new-session on (a new node has none of our subscriptions).
    reconnectPeriod: PARKED,
    connectTimeout: 10_000,
    keepalive: 30,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
    // mqtt.js's own list: its stream builder takes node number client._reconnectCount, which we set.
    ...(nodes.length > 1 ? { servers: nodes.map(({ host, port, protocol }) => ({ host, port, protocol: protocol as 'mqtt' })) } : {}),
    ...(config.username ? { username: config.username, password: config.password } : {}),
    ...(config.ca ? { ca: read(config.ca), rejectUnauthorized: true } : {}),
    ...(config.cert ? { cert: read(config.cert), key: read(config.key) } : {}),
  };
  const client = mqtt.connect(options.urls[0]!, clientOptions);

  let attempt = 0; // the node being tried or used (index in nodes)
  let failedInRow = 0; // attempts since the last connection, for the back-off
  let wasConnected = false;
  let failures = 0; // errors since the last connection, for the log's own back-off
  // The last connection lost, until the next one; at start, the node of the previous run.
  let lost: { node: string; at: number } | null = options.previous ? { node: options.previous.node, at: options.previous.lostAt } : null;
  let timer: NodeJS.Timeout | null = null;
  let failback: NodeJS.Timeout | null = null;
  let failingBack = false;
  let connectedNode: string | null = null; // the node of the last connection this run
  const tryNode = (index: number) => {
    attempt = index;
    if (nodes.length > 1) {
      client._reconnectCount = index;
      // mqtt.js's TLS builder keeps the first node's server name for SNI and the certificate check.
      delete client.options.servername;
      // A node we used before in this run may still hold our session from then: present, so
      // mqtt.js would not subscribe again, but without what we subscribed since (and with a queue
      // of messages we got on the other node meanwhile). Moving to another node starts a new
      // session there (Clean Start; still persistent from then on); messages not yet acknowledged
      // go out again all the same (mqtt.js replays its outgoing store on every connect).
      client.options.clean = connectedNode !== null && nodes[index]!.node !== connectedNode;
    }
  };
  tryNode(0);

  const stopTimers = () => {
    if (timer) clearTimeout(timer);
    if (failback) clearInterval(failback);
    timer = failback = null;
  };
  const scheduleNext = () => {
    if (timer || client.disconnecting || client.connected) return;
    const { next, delay } = nextAttempt(attempt, failedInRow, nodes.length, base, max);
    timer = setTimeout(() => {
      timer = null;
      if (client.disconnecting || client.connected) return;
      tryNode(next);
      failedInRow += 1;
      // Same stores: QoS 1 messages not yet acknowledged go out again on the new connection.
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delay);
  };

  client.on('connect', () => {
    const now = nodes[attempt]!;
    logger.info({ broker: now.node, ...(nodes.length > 1 ? { node: attempt + 1, of: nodes.length } : {}), ...(failures > 0 ? { failedAttempts: failures } : {}) }, 'broker connected');
    if (lost && lost.node !== now.node) options.onFailover?.({ from: lost.node, to: now.node, lostAt: lost.at });
    options.onConnected?.(now.node);
    connectedNode = now.node;
    wasConnected = true;
    failures = 0;
    failedInRow = 0;
    lost = null;
    if (attempt > 0 && config.failbackSeconds > 0) watchPrimary();
  });
  client.on('close', () => {
    const node = nodes[attempt]!.node;
    // Our own end() (a clean stop) closes the connection too: that is not a loss.
    if (wasConnected && client.disconnecting) logger.info({ broker: node }, 'broker connection closed');
    else if (wasConnected && failingBack) logger.info({ broker: node }, 'broker connection closed to go back to the first node');
    else if (wasConnected) logger.warn({ broker: node }, 'broker connection lost; reconnecting');
    if (wasConnected) {
      if (failback) clearInterval(failback);
      failback = null;
      if (failingBack) {
        // Straight to the first node (next after the last); if it does not take us, the round
        // goes on from there. Not a loss: this node is up and passes on what it acknowledged.
        attempt = nodes.length - 1;
        failingBack = false;
      } else {
        lost = { node: nodes[attempt]!.node, at: Date.now() };
      }
    }
    wasConnected = false;
    if (client.disconnecting) return;
    scheduleNext();
  });
  client.on('end', stopTimers);
  // A node that refuses us (no listener, or a CONNACK refusal, which mqtt.js alone would not retry)
  // is retried in the round like one that is down; the log backs off (1st, 2nd, 4th, 8th ... failure) so a
  // long outage is a handful of lines, each with the count so far.
  client.on('error', (error) => {
    failures += 1;
    if ((failures & (failures - 1)) === 0) logger.warn({ err: error.message, broker: nodes[attempt]!.node, failedAttempts: failures }, 'broker error');
  });

  // Failback: while on a later node, look now and then whether the first accepts connections
  // again; if so, close this connection and connect there (load goes back to the primary).
  const watchPrimary = () => {
    if (failback) clearInterval(failback);
    failback = setInterval(() => {
      const primary = nodes[0]!;
      void accepting(primary.host, primary.port, 5000).then((up) => {
        if (!up || !client.connected || attempt === 0 || client.disconnecting) return;
        logger.info({ broker: nodes[attempt]!.node, primary: primary.node }, 'first broker node answers again; going back to it');
        failingBack = true;
        client.stream.destroy();
      });
    }, config.failbackSeconds * 1000);
    failback.unref();
  };
  return client;
}

/**
 * The node to try after `current` and the wait before it: the nodes in order, and once every node
 * of a round has failed (`failedInRow` attempts since the last connection) the wait doubles, from
 * `base` up to `max`. After a loss (failedInRow 0) the first try waits `base`.
 */
export function nextAttempt(current: number, failedInRow: number, nodes: number, base: number, max: number): { next: number; delay: number } {
  const rounds = Math.floor(failedInRow / nodes);
  return { next: (current + 1) % nodes, delay: Math.min(max, base * 2 ** Math.min(rounds, 20)) };
}

/** Whether a TCP connection to host:port is accepted within timeoutMs (a node being up, not yet MQTT). */
function accepting(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function publishAsync(client: MqttClient, topic: string, payload: string, options: IClientPublishOptions): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, options, (error) => (error ? reject(error) : resolve())));
}
