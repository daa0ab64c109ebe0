// The compact wire form of batch and bulk results: every answer the reference service gives comes
// back byte for byte after compact → JSON → expand; the compact form passes its schema and the full
// one does not; it is smaller.
import t from 'tap';
import { COMPACT_POSITIONS, compactAnswer, expandAnswer } from '../../../../drivers/line/answer-compact.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';
import { answerFor, japanDate, notFound } from '../../../../drivers/line/sim/service/answers.js';
import { validators } from '../../../../drivers/line/wire.js';
import { CONSENT_ITEMS, type Consents } from '../../../../vocabulary/consent.js';

const now = new Date('2026-11-30T01:00:00Z');
const header = { processExecutionTime: now.toISOString(), referenceClassification: '2' as const, segmentOfResult: '1' as const, errorCode: null, errorMessage: null };
const all: Consents = Object.fromEntries(CONSENT_ITEMS.map((i) => [i, true]));
const asBatch = (result: unknown) => ({ header, items: [{ index: 0, header, result }] });

t.test('every kind of answer round-trips exactly through the compact form', async (t) => {
  let full = 0;
  let compact = 0;
  const answers = [
    ...NAMED_PEOPLE.flatMap((e) => [
      answerFor([e], { via: 'number', now, date: japanDate(now), consents: {}, limitConsent: true }),
      answerFor([e], { via: 'card', now, date: japanDate(now), consents: all, limitConsent: false }),
    ]),
    notFound({ via: 'number', now, date: japanDate(now), consents: {}, limitConsent: false }),
  ];
  for (const answer of answers) {
    const wire = JSON.stringify(compactAnswer(answer));
    const back = expandAnswer(JSON.parse(wire) as unknown[]);
    if (JSON.stringify(back) !== JSON.stringify(answer)) t.fail(`not restored: ${JSON.stringify(answer).slice(0, 120)}`);
    if (!validators.batchResponse(asBatch(JSON.parse(wire)))) t.fail(`compact form refused: ${JSON.stringify(validators.batchResponse.errors)}`);
    full += Buffer.byteLength(JSON.stringify(answer));
    compact += Buffer.byteLength(wire);
  }
  t.pass(`${answers.length} answers restored byte for byte`);
  t.ok(compact < full * 0.6, `compact ${Math.round(compact / answers.length)} bytes per answer, full ${Math.round(full / answers.length)}`);
});

t.test('the compact schema refuses the keyed form, extra elements, nulls where the model has none, bad codes', async (t) => {
  const entry = NAMED_PEOPLE[0];
  if (!entry) throw new Error('no named people');
  const answer = answerFor([entry], { via: 'number', now, date: japanDate(now), consents: {}, limitConsent: false });
  t.notOk(validators.batchResponse(asBatch(answer)), 'the full form (with labels) is not the compact form');
  t.notOk(validators.batchResponse(asBatch([...compactAnswer(answer), '1'])), 'an element more than the model has');
  const noValidity = [...compactAnswer(answer)];
  noValidity[COMPACT_POSITIONS.indexOf('qualificationValidity')] = null;
  t.notOk(validators.batchResponse(asBatch(noValidity)), 'a required field null');
  const badCode = [...compactAnswer(answer)];
  badCode[COMPACT_POSITIONS.indexOf('qualificationValidity')] = '7';
  t.notOk(validators.batchResponse(asBatch(badCode)), 'a code outside its table');
  t.ok(validators.batchResponse(asBatch(compactAnswer(answer))), 'the compact form itself');
});
