// A Patient played by a person at a terminal (`oqsgw sim panel --interactive`): each question is
// printed with its choices and answered by typing; 'c' presses cancel. A withdrawn question
// (timeout, card removed) is taken off the prompt.
import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { ConsentItem, Consents } from '../../../vocabulary/consent.js';
import type { Ask } from '../protocol/messages.js';
import type { Text } from '../screen-text.js';
import type { Patient, PatientReply } from './panel-simulator.js';

/** A readline on the terminal whose echo can be masked, so a PIN shows as **** like on the pad. */
export function maskableTerminal(): { readonly rl: Interface; mask(on: boolean): void } {
  let masked = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      // While masked, readline's echo of each typed key prints as '*'; its prompt and line
      // redraws (escape sequences) pass through.
      process.stdout.write(masked && !text.includes('\u001b') && !text.includes(' > ') ? text.replace(/[^\r\n]/g, '*') : text);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  return {
    rl,
    mask: (on) => {
      masked = on;
    },
  };
}

export class TerminalPatient implements Patient {
  constructor(
    private readonly rl: Interface,
    private readonly print: (line: string) => void,
    private readonly language: 'ja' | 'en' = 'ja',
    private readonly mask: (on: boolean) => void = () => undefined,
  ) {}

  #say(text: Text): string {
    return this.language === 'ja' ? `${text.ja} (${text.en})` : `${text.en} (${text.ja})`;
  }

  async #prompt(question: string, signal: AbortSignal, valid: (answer: string) => boolean): Promise<string> {
    for (;;) {
      const answer = (await this.rl.question(`${question} > `, { signal })).trim().toLowerCase();
      if (answer === 'c' || valid(answer)) return answer;
      this.print('  ? (c = cancel)');
    }
  }

  async answer(ask: Ask, signal: AbortSignal): Promise<PatientReply> {
    this.print(`\n== ${this.#say(ask.title)}`);
    switch (ask.ask) {
      case 'identity': {
        const keys = (ask.choices ?? []).map((c, i) => (this.print(`  ${i + 1}) ${this.#say(c.text)}`), c.key));
        const typed = await this.#prompt('choose', signal, (a) => keys[Number(a) - 1] !== undefined);
        const key = keys[Number(typed) - 1];
        return key === 'face' || key === 'pin' ? { kind: 'identity', choice: key } : { kind: 'cancel' };
      }
      case 'pin': {
        if (ask.detail) this.print(`  ${this.#say(ask.detail)}`);
        if (ask.triesText) this.print(`  ${this.#say(ask.triesText)}`);
        this.mask(true);
        const typed = await this.#prompt('PIN (4 digits)', signal, (a) => /^[0-9]{4}$/.test(a)).finally(() => this.mask(false));
        return typed === 'c' ? { kind: 'cancel' } : { kind: 'pin', digits: typed };
      }
      case 'consent': {
        const consents: Consents = {};
        for (const item of ask.items ?? []) {
          this.print(`  ${this.#say(item.text)}`);
          const typed = await this.#prompt('  y/n', signal, (a) => a === 'y' || a === 'n');
          if (typed === 'c') return { kind: 'cancel' };
          consents[item.key as ConsentItem] = typed === 'y';
        }
        return { kind: 'consent', consents };
      }
      case 'registration': {
        for (const c of ask.choices ?? []) this.print(`  ${c.key === 'register' ? 'y' : 'n'}) ${this.#say(c.text)}`);
        const typed = await this.#prompt('y/n', signal, (a) => a === 'y' || a === 'n');
        return typed === 'c' ? { kind: 'cancel' } : { kind: 'registration', answer: typed === 'y' ? 'register' : 'decline' };
      }
    }
  }
}
