// What a panel reply means for the question that is open: its value, an error, or null when it
// is no answer to that question (then it is dropped and the question stays open).
import type { PinDigits } from '../../../vocabulary/pin-digits.js';
import type { ConsentItem, Consents } from '../../../vocabulary/consent.js';
import { GatewayError } from '../../../vocabulary/result-codes.js';
import type { ConsentAnswer, IdentityChoice, PinEntry, RegistrationAnswer } from '../reader-panel.js';
import type { Answer } from './messages.js';

export type PanelReply = { readonly answer: Answer } | { readonly pin: PinDigits };
export type Reading<T> = { readonly value: T } | { readonly error: GatewayError } | null;

export function readIdentity(reply: PanelReply, choices: readonly IdentityChoice[]): Reading<IdentityChoice> {
  if (!('answer' in reply)) return null;
  const { answer } = reply;
  if (answer.kind === 'identity' && choices.includes(answer.choice)) return { value: answer.choice };
  // The identity screen has no cancel; a panel that sends one ends the check-in.
  if (answer.kind === 'cancel') return { error: new GatewayError('CONSENT_CANCELLED', 'The patient cancelled at the reader') };
  return null;
}

export function readPin(reply: PanelReply): Reading<PinEntry> {
  if ('pin' in reply) return { value: { kind: 'pin', digits: reply.pin } };
  return reply.answer.kind === 'cancel' ? { value: { kind: 'cancel' } } : null;
}

export function readConsent(reply: PanelReply, items: readonly ConsentItem[]): Reading<ConsentAnswer> {
  if (!('answer' in reply)) return null;
  const { answer } = reply;
  if (answer.kind === 'cancel') return { value: { kind: 'cancel' } };
  if (answer.kind !== 'consent') return null;
  // Only the items asked count; an item left unanswered is "not given".
  const consents: Consents = {};
  for (const item of items) consents[item] = answer.consents[item] === true;
  return { value: { kind: 'answered', consents } };
}

export function readRegistration(reply: PanelReply): Reading<RegistrationAnswer> {
  if (!('answer' in reply)) return null;
  const { answer } = reply;
  if (answer.kind === 'cancel') return { value: { kind: 'cancel' } };
  return answer.kind === 'registration' ? { value: { kind: answer.answer } } : null;
}
