// The PIN as it travels from the reader's keypad (panel driver) to the card (card driver), and
// nowhere else: both drivers share this type, so it lives below them.
/**
 * A 4-digit PIN as typed by the patient. It is a class, not a string, so it cannot be logged or
 * serialised by accident; `consume()` hands the digits over once and wipes them.
 */
export class PinDigits {
  #digits: Buffer | null;
  constructor(digits: string) {
    if (!/^[0-9]{4}$/.test(digits)) throw new RangeError('A PIN is exactly 4 digits');
    this.#digits = Buffer.from(digits, 'ascii');
  }
  consume(): Buffer {
    const digits = this.#digits;
    if (!digits) throw new Error('PIN already used');
    this.#digits = null;
    const copy = Buffer.from(digits);
    digits.fill(0);
    return copy;
  }
  toJSON(): string { return '[PIN]'; }
  toString(): string { return '[PIN]'; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return '[PIN]'; }
}
