// The payloads carried in panel frames: JSON for everything but the PIN (binary, so its digits
// never pass through JSON, a log or an error message). Both ends validate every payload they
// receive against these schemas (invariant 7); a bad one is dropped and counted, never thrown.
import { Type, type Static, type TBoolean, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CONSENT_ITEMS, type ConsentItem } from '../../../vocabulary/consent.js';

/** Protocol versions this build speaks; HELLO offers them, HELLO_REPLY picks one. */
export const PROTOCOL_VERSIONS = [1] as const;

const TextSchema = Type.Object({ ja: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) });
const Id = Type.Integer({ minimum: 1, maximum: 0xffff });
const ConsentKey = Type.Union(CONSENT_ITEMS.map((i) => Type.Literal(i)));
const ConsentsSchema = Type.Partial(
  Type.Object(Object.fromEntries(CONSENT_ITEMS.map((i) => [i, Type.Boolean()])) as Record<ConsentItem, TBoolean>, { additionalProperties: false }),
);
const AskKind = Type.Union([Type.Literal('identity'), Type.Literal('pin'), Type.Literal('consent'), Type.Literal('registration')]);

export const HelloSchema = Type.Object({
  versions: Type.Array(Type.Integer({ minimum: 1, maximum: 255 }), { minItems: 1, maxItems: 16 }),
  /** A fresh random value per connection, so a resent HELLO is not a second session. */
  session: Type.String({ pattern: '^[0-9a-f]{8,32}$' }),
  language: Type.Union([Type.Literal('ja'), Type.Literal('en')]),
});

/** A panel that (re)starts announces itself with a HELLO_REPLY of version 0 and this session, so
 * a gateway still holding the port knows to shake hands again (sequence numbers restarted). */
export const BOOT_SESSION = '00000000';

export const HelloReplySchema = Type.Object({
  /** The version chosen from the offer, or 0 when none is spoken (the gateway then gives up). */
  version: Type.Integer({ minimum: 0, maximum: 255 }),
  model: Type.String({ maxLength: 64 }),
  session: Type.String({ pattern: '^[0-9a-f]{8,32}$' }),
});

export const ShowSchema = Type.Object({
  screen: Type.Union(['welcome', 'reading-card', 'look-at-camera', 'card-front', 'please-wait', 'done', 'see-desk'].map((s) => Type.Literal(s))),
  title: TextSchema,
  detail: Type.Optional(TextSchema),
  /** see-desk: the result code, for panels that show an icon per outcome. */
  code: Type.Optional(Type.String({ pattern: '^[A-Z_]{1,40}$' })),
});

export const AskSchema = Type.Object({
  id: Id,
  ask: AskKind,
  title: TextSchema,
  /** identity: the methods offered; registration: register / decline. */
  choices: Type.Optional(Type.Array(Type.Object({ key: Type.String({ maxLength: 16 }), text: TextSchema }), { maxItems: 8 })),
  /** consent: the questions, one per item. */
  items: Type.Optional(Type.Array(Type.Object({ key: ConsentKey, text: TextSchema }), { maxItems: CONSENT_ITEMS.length })),
  /** pin: tries left on the card, shown beside the pad. */
  triesLeft: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
  triesText: Type.Optional(TextSchema),
  /** pin: why the pad is shown instead of face match (the card's front could not be used). */
  detail: Type.Optional(TextSchema),
});

export const AnswerSchema = Type.Union([
  Type.Object({ id: Id, kind: Type.Literal('identity'), choice: Type.Union([Type.Literal('face'), Type.Literal('pin')]) }),
  Type.Object({ id: Id, kind: Type.Literal('consent'), consents: ConsentsSchema }),
  Type.Object({ id: Id, kind: Type.Literal('registration'), answer: Type.Union([Type.Literal('register'), Type.Literal('decline')]) }),
  /** The patient pressed cancel on any question (the PIN pad included). */
  Type.Object({ id: Id, kind: Type.Literal('cancel') }),
]);

export const WithdrawSchema = Type.Object({ id: Id });

export const KeySchema = Type.Object({ key: Type.Literal('assist'), active: Type.Boolean() });

export type Hello = Static<typeof HelloSchema>;
export type HelloReply = Static<typeof HelloReplySchema>;
export type Show = Static<typeof ShowSchema>;
export type Ask = Static<typeof AskSchema>;
export type Answer = Static<typeof AnswerSchema>;
export type Withdraw = Static<typeof WithdrawSchema>;
export type Key = Static<typeof KeySchema>;

export function encodeJson<T extends TSchema>(_schema: T, value: Static<T>): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** The payload as T, or null when it is not valid JSON of that shape. */
export function decodeJson<T extends TSchema>(schema: T, payload: Buffer): Static<T> | null {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  return Value.Check(schema, value) ? value : null;
}

// PIN frame: ask id (u16 BE) then exactly 4 ASCII digits.
export const PIN_PAYLOAD_BYTES = 6;

export function encodePin(id: number, digits: Buffer): Buffer {
  const payload = Buffer.alloc(PIN_PAYLOAD_BYTES);
  payload.writeUInt16BE(id, 0);
  digits.copy(payload, 2, 0, 4);
  return payload;
}

/** The ask id and a copy of the digits, or null when the payload is malformed; wipes the payload. */
export function decodePin(payload: Buffer): { readonly id: number; readonly digits: string } | null {
  try {
    if (payload.length !== PIN_PAYLOAD_BYTES) return null;
    for (let i = 2; i < PIN_PAYLOAD_BYTES; i++) if (payload[i]! < 0x30 || payload[i]! > 0x39) return null;
    return { id: payload.readUInt16BE(0), digits: payload.toString('ascii', 2, PIN_PAYLOAD_BYTES) };
  } finally {
    payload.fill(0);
  }
}
