// A Patient for the pty simulator that answers from a script (the same SimPanelScript the
// in-process SimReaderPanel takes), after an optional think time.
import { CONSENT_ITEMS, type ConsentItem } from '../../../vocabulary/consent.js';
import type { Ask } from '../protocol/messages.js';
import type { Patient, PatientReply } from './panel-simulator.js';
import { ScriptedPatient, type SimAsk, type SimDefaults, type SimPanelScript } from './scripted-patient.js';

export class ScriptedAnswers extends ScriptedPatient implements Patient {
  constructor(script: SimPanelScript = {}, defaults?: SimDefaults, private readonly thinkMs = 0) {
    super(defaults);
    this.script(script);
  }

  answer(ask: Ask, signal: AbortSignal): Promise<PatientReply> {
    return new Promise<PatientReply>((resolve, reject) => {
      if (this.hangs(ask.ask as SimAsk)) {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        return;
      }
      const timer = setTimeout(() => resolve(this.#reply(ask)), this.thinkMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
  }

  #reply(ask: Ask): PatientReply {
    switch (ask.ask) {
      case 'identity': {
        const offered = (ask.choices ?? []).map((c) => c.key).filter((k): k is 'face' | 'pin' => k === 'face' || k === 'pin');
        return { kind: 'identity', choice: this.identity(offered) };
      }
      case 'pin': {
        const typed = this.pin();
        return typed === 'cancel' ? { kind: 'cancel' } : { kind: 'pin', digits: typed };
      }
      case 'consent': {
        const items = (ask.items ?? []).map((i) => i.key).filter((k): k is ConsentItem => (CONSENT_ITEMS as readonly string[]).includes(k));
        const consents = this.consent(items);
        return consents === 'cancel' ? { kind: 'cancel' } : { kind: 'consent', consents };
      }
      case 'registration': {
        const answer = this.registration();
        return answer === 'cancel' ? { kind: 'cancel' } : { kind: 'registration', answer };
      }
    }
  }
}
