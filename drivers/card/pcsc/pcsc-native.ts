// The part of @pokusew/pcsclite we use, typed here (its own typings use `any` for errors), and
// its loading: the native addon needs libpcsclite, so a missing library is a clear start-up error.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

export interface NativeReader extends EventEmitter {
  readonly name: string;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_UNPOWER_CARD: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  connect(options: { share_mode?: number; protocol?: number }, cb: (err: unknown, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: unknown, response: Buffer) => void): void;
  close(): void;
}

export interface NativeContext extends EventEmitter {
  close(): void;
}

export interface ReaderStatus { readonly state: number; readonly atr?: Buffer }

export function openPcscContext(): NativeContext {
  const require = createRequire(import.meta.url);
  let factory: () => NativeContext;
  try {
    factory = require('@pokusew/pcsclite') as () => NativeContext;
  } catch (error) {
    throw new Error(`card.driver 'pcsc': the PC/SC library could not be loaded (install pcscd and libpcsclite1): ${(error as Error).message}`);
  }
  return factory();
}
