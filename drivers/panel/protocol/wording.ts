// Builds the SHOW and ASK payloads the gateway sends: the screen or question plus its words in
// both languages, so the panel only lays them out.
import type { ConsentItem } from '../../../vocabulary/consent.js';
import type { PinReason } from '../../../vocabulary/front-guidance.js';
import type { IdentityChoice, Screen } from '../reader-panel.js';
import {
  CHOICE_TEXTS, CONSENT_TEXTS, PIN_REASON_TEXTS, PROMPT_TEXTS, REGISTRATION_CHOICE_TEXTS, screenText, triesLeftText,
} from '../screen-text.js';
import type { Ask, Show } from './messages.js';

export function showPayload(screen: Screen): Show {
  const { title, detail } = screenText(screen);
  return {
    screen: screen.kind,
    title,
    ...(detail ? { detail } : {}),
    ...(screen.kind === 'see-desk' ? { code: screen.code } : {}),
  };
}

export function identityAsk(id: number, choices: readonly IdentityChoice[]): Ask {
  return { id, ask: 'identity', title: PROMPT_TEXTS.identity, choices: choices.map((key) => ({ key, text: CHOICE_TEXTS[key] })) };
}

export function pinAsk(id: number, triesLeft: number, reason?: PinReason): Ask {
  return { id, ask: 'pin', title: PROMPT_TEXTS.pin, triesLeft, triesText: triesLeftText(triesLeft), ...(reason ? { detail: PIN_REASON_TEXTS[reason] } : {}) };
}

export function consentAsk(id: number, items: readonly ConsentItem[]): Ask {
  return { id, ask: 'consent', title: { ja: '同意の確認', en: 'Consent' }, items: items.map((key) => ({ key, text: CONSENT_TEXTS[key] })) };
}

export function registrationAsk(id: number): Ask {
  return {
    id, ask: 'registration', title: PROMPT_TEXTS.registration,
    choices: (['register', 'decline'] as const).map((key) => ({ key, text: REGISTRATION_CHOICE_TEXTS[key] })),
  };
}
