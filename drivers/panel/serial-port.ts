// Opening and closing a serial port as promises, shared by the serial driver and the simulator.
import { SerialPort } from 'serialport';

export async function openPort(path: string, baudRate: number): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return port;
}

/** Closes quietly: a port that already vanished has nothing left to close. */
export async function closePort(port: SerialPort): Promise<void> {
  port.removeAllListeners('data');
  if (!port.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

/** Backoff for reopening a vanished port: doubles from min to max. */
export class Backoff {
  #next: number;
  constructor(private readonly minMs: number, private readonly maxMs: number) {
    this.#next = minMs;
  }
  next(): number {
    const wait = this.#next;
    this.#next = Math.min(this.maxMs, this.#next * 2);
    return wait;
  }
  reset(): void {
    this.#next = this.minMs;
  }
}
