// The schema of a simulator script file (`oqsgw sim panel --script`), checked before use so a
// typo names the key instead of surfacing as a strange answer. Mirrors SimPanelScript.
import { Type, type TBoolean } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CONSENT_ITEMS, type ConsentItem } from '../../../vocabulary/consent.js';
import type { SimPanelScript } from './scripted-patient.js';

const Asks = Type.Union(['identity', 'pin', 'consent', 'registration'].map((a) => Type.Literal(a)));

export const SimPanelScriptSchema = Type.Object(
  {
    identity: Type.Optional(Type.Union([Type.Literal('face'), Type.Literal('pin')])),
    pins: Type.Optional(Type.Array(Type.String({ pattern: '^([0-9]{4}|cancel)$' }), { minItems: 1 })),
    consent: Type.Optional(Type.Union([
      Type.Literal('all-yes'), Type.Literal('all-no'), Type.Literal('cancel'),
      Type.Partial(Type.Object(Object.fromEntries(CONSENT_ITEMS.map((i) => [i, Type.Boolean()])) as Record<ConsentItem, TBoolean>, { additionalProperties: false })),
    ])),
    registration: Type.Optional(Type.Union([Type.Literal('register'), Type.Literal('decline'), Type.Literal('cancel')])),
    assisted: Type.Optional(Type.Boolean()),
    hang: Type.Optional(Type.Array(Asks)),
  },
  { additionalProperties: false },
);

/** The script, or an Error naming each bad key and value. */
export function checkScript(value: unknown): SimPanelScript {
  if (Value.Check(SimPanelScriptSchema, value)) return value as SimPanelScript;
  const problems = [...Value.Errors(SimPanelScriptSchema, value)].map((e) =>
    // Even a test PIN is not echoed back.
    `${e.path || '/'}: ${e.message} (got ${e.path.startsWith('/pins') ? 'a bad PIN' : JSON.stringify(e.value)})`);
  throw new Error(`panel script: ${problems.slice(0, 5).join('; ')}`);
}
