// sd_notify(3) for Node: READY=1, WATCHDOG=1, STOPPING=1, STATUS=... to $NOTIFY_SOCKET.
//
// Why unix-dgram: systemd's notification socket is an AF_UNIX datagram socket, which Node's net
// and dgram modules cannot open. The alternatives are worse for a service that runs for years:
// - `systemd-notify` run as a child needs NotifyAccess=all and races with systemd: the child may
//   exit before systemd reads its cgroup, and the message is then dropped (a known limitation,
//   documented in systemd-notify(1)); a dropped WATCHDOG=1 kills a healthy service.
// - sd-notify (a binding to libsystemd) needs libsystemd-dev at build time and is little used.
// - node-unix-socket ships prebuilt binaries per platform.
// unix-dgram is a small nan addon by Ben Noordhuis (Node.js core), compiled from source by
// node-gyp against the local Node headers (no download), with ~10M weekly installs (hot-shots,
// winston-syslog). The main process itself sends, so NotifyAccess=main suffices.
import { createRequire } from 'node:module';
import type { UnixDgramSocket } from 'unix-dgram';

export interface Notifier {
  /** True when started by systemd with Type=notify (NOTIFY_SOCKET set). */
  readonly enabled: boolean;
  notify(message: string): Promise<void>;
  close(): void;
}

const require = createRequire(import.meta.url);

class SocketNotifier implements Notifier {
  readonly enabled = true;
  #socket: UnixDgramSocket;

  constructor(private readonly path: string) {
    // Loaded lazily: a box that is not run by systemd never loads the addon.
    const { createSocket } = require('unix-dgram') as typeof import('unix-dgram');
    this.#socket = createSocket('unix_dgram');
    // Errors arrive through the send callback; this keeps a stray 'error' event from crashing us.
    this.#socket.on('error', () => {});
  }

  notify(message: string): Promise<void> {
    const buf = Buffer.from(message, 'utf8');
    return new Promise((resolve, reject) => {
      this.#socket.send(buf, 0, buf.length, this.path, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    this.#socket.close();
  }
}

const noop: Notifier = { enabled: false, notify: async () => {}, close: () => {} };

/** A notifier for $NOTIFY_SOCKET, or a no-op one when not run by systemd. */
export function createNotifier(env: NodeJS.ProcessEnv = process.env): Notifier {
  const path = env.NOTIFY_SOCKET;
  if (!path) return noop;
  // Abstract sockets ('@name') are what systemd uses for user managers in containers; system
  // services get a path (/run/systemd/notify). unix-dgram takes paths only.
  if (path.startsWith('@')) throw new Error(`NOTIFY_SOCKET ${path} is an abstract socket, which is not supported; run under the system manager`);
  return new SocketNotifier(path);
}

/** The watchdog interval systemd asked for, or null (WATCHDOG_USEC, checked against WATCHDOG_PID). */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null; // meant for another process
  return usec / 1000;
}
