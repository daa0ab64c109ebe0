// The demo's broker on loopback, so an EHR client or `mosquitto_sub` can watch without a clinic
// broker. The EHR contract is MQTT 5 (Response Topic, Correlation Data), so the demo runs the
// broker setup installs anyway — Debian's mosquitto — on its port, with a config of its own; only
// where mosquitto is not installed does it fall back to aedes in-process, which speaks MQTT 3.1.1
// only (the gateway then connects with 3.1.1). Which one runs is on the banner and on /status.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';

export type EmbeddedBrokerKind = 'mosquitto' | 'aedes';
export type EmbeddedBrokerChoice = 'auto' | EmbeddedBrokerKind;

export interface EmbeddedBroker {
  readonly kind: EmbeddedBrokerKind;
  readonly url: string;
  readonly port: number;
  /** The MQTT version the gateway (and a demo client) should speak to it. */
  readonly protocolVersion: 4 | 5;
  close(): Promise<void>;
}

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? null;

const taken = (port: number) => new Error(`port ${port} on 127.0.0.1 is taken (another broker?); set mqtt.embeddedPort or mqtt.url`);

export async function startEmbeddedBroker(port: number, choice: EmbeddedBrokerChoice = 'auto'): Promise<EmbeddedBroker> {
  if (choice === 'mosquitto' && !MOSQUITTO) throw new Error('mqtt.embeddedBroker is mosquitto but mosquitto is not installed (apt-get install mosquitto, or scripts/setup.sh)');
  if (choice !== 'aedes' && MOSQUITTO) return startMosquitto(MOSQUITTO, port === 0 ? await freeLoopbackPort() : port);
  return startAedes(port);
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * mosquitto as a child, under a tiny sh that holds our stdin: if this process dies (even by
 * SIGKILL) the pipe closes, `read` returns and the shell stops mosquitto — no orphan broker is
 * left on the demo port.
 */
async function startMosquitto(binary: string, port: number): Promise<EmbeddedBroker> {
  if (await accepting(port)) throw taken(port);
  const dir = mkdtempSync(join(tmpdir(), 'oqsgw-demo-broker-'));
  chmodSync(dir, 0o755); // started as root, mosquitto reads its config before dropping to its user
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    '# oqsgw demo: loopback only, anonymous, nothing kept on disk',
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
  ].join('\n') + '\n');
  chmodSync(conf, 0o644);
  const child: ChildProcess = spawn('sh', ['-c', '"$0" -c "$1" & m=$!; trap \'kill $m 2>/dev/null\' TERM INT; read -r _; kill $m 2>/dev/null; wait $m', binary, conf], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const deadline = Date.now() + 10_000;
  while (!(await accepting(port))) {
    if (child.exitCode !== null || /error/i.test(stderr) || Date.now() > deadline) {
      child.stdin?.end();
      cleanup();
      if (/address already in use/i.test(stderr)) throw taken(port);
      throw new Error(`the demo's mosquitto did not start: ${stderr.trim() || 'no answer on its port'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    kind: 'mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    port,
    protocolVersion: 5,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin?.end(); // the shell stops mosquitto and waits for it
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      }
      cleanup();
    },
  };
}

async function startAedes(port: number): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? taken(port) : error));
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    kind: 'aedes',
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    protocolVersion: 4,
    close: async () => {
      // aedes first: it drops the clients, without which server.close() would wait for them.
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
