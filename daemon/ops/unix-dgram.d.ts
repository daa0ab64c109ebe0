// Types for unix-dgram (it ships none): only what daemon/ops/notify.ts and the tests use.
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';

  export interface UnixDgramSocket extends EventEmitter {
    bind(path: string): void;
    send(buf: Buffer, offset: number, length: number, path: string, callback?: (error?: Error) => void): void;
    close(): void;
    on(event: 'message', listener: (message: Buffer, rinfo: { size: number; path?: string }) => void): this;
    on(event: 'error', listener: (error: Error & { code?: number | string }) => void): this;
    on(event: 'listening' | 'writable', listener: () => void): this;
    on(event: 'congestion', listener: (buf: Buffer) => void): this;
  }

  export function createSocket(type: 'unix_dgram', listener?: (message: Buffer, rinfo: { size: number; path?: string }) => void): UnixDgramSocket;

  const unixDgram: { createSocket: typeof createSocket };
  export default unixDgram;
}
