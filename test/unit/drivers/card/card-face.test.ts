// The card face file (券面事項確認AP EF 0002) parser, against a file assembled the way a card writes
// it (soltia48/myna-card src/ap/surface.rs with_offsets / CardFace, src/data.rs check_offsets), and
// fuzzed: truncated, wrong offsets, lengths past the end, nested garbage. Every refusal is a
// CARD_ERROR with a named details.reason; nothing else may escape. Token detection is fuzzed too.
import t from 'tap';
import { GatewayError } from '../../../../vocabulary/result-codes.js';
import { berTlv, readBerHeader } from '../../../../drivers/card/apdu/ber.js';
import { CARD_FACE_FIELD, cardFaceLength, parseCardFace } from '../../../../drivers/card/card-face.js';
import { tokenNameOf } from '../../../../drivers/card/jpki.js';
import { buildCardFaceFile, syntheticPng } from '../../../../drivers/card/sim/card-face-file.js';
import { seeded } from '../../../helpers/card-fixtures.js';

const JP2 = Buffer.concat([Buffer.from('0000000c6a5020200d0a870a', 'hex'), Buffer.alloc(3000, 0x5a)]);
const content = { birthDate: '19800217', sex: '1', modulus: Buffer.alloc(256, 0xaa), photo: JP2, expiry: '20350217', seed: 'test' };
const good = buildCardFaceFile(content);
const reasons = ['TRUNCATED', 'NOT_CARD_FACE', 'LENGTH_PAST_END', 'NO_OFFSET_TABLE', 'OFFSET_MISMATCH', 'DUPLICATE_FIELD', 'MISSING_FIELD', 'BAD_FIELD', 'NOT_JPEG2000'];

const reasonOf = (file: Buffer): string => {
  try {
    parseCardFace(file);
    return 'ok';
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'CARD_ERROR') return String(error.details.reason);
    throw error;
  }
};

t.test('the file is laid out as the public readers describe', async (t) => {
  t.same([...good.subarray(0, 3)], [0xff, 0x20, 0x82], 'FF 20 82 LL LL');
  t.equal(good.readUInt16BE(3) + 5, good.length, 'the outer length covers the rest');
  t.same([...good.subarray(5, 8)], [0xdf, 0x21, 18], 'DF21: nine 2-byte offsets');
  // The first offset points just past the table, counted from the first byte of the file.
  t.equal(good.readUInt16BE(8), 5 + 3 + 18);
  const tags: number[] = [];
  for (let i = 0, pos = 26; i < 9; i++) {
    t.equal(good.readUInt16BE(8 + i * 2), pos, `offset ${i}`);
    const h = readBerHeader(good, pos)!;
    tags.push(h.tag);
    pos += h.headerLength + h.valueLength;
  }
  t.same(tags, [0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a]);
  t.equal(syntheticPng(24, 12, 'x').subarray(1, 4).toString('latin1'), 'PNG');
});

t.test('parses the photo; filler after the object is ignored', async (t) => {
  const r = parseCardFace(good);
  t.equal(r.format, 'jp2');
  t.ok(r.photo.equals(JP2));
  t.ok(parseCardFace(buildCardFaceFile(content, 200)).photo.equals(JP2), 'FF filler');
  t.ok(parseCardFace(Buffer.concat([good, Buffer.alloc(64)])).photo.equals(JP2), '00 filler');
  t.equal(cardFaceLength(good.subarray(0, 256)), good.length);
  t.equal(cardFaceLength(Buffer.from('308203', 'hex')), null);
  const j2k = buildCardFaceFile({ ...content, photo: Buffer.concat([Buffer.from('ff4fff51', 'hex'), Buffer.alloc(100)]) });
  t.equal(parseCardFace(j2k).format, 'j2k');
});

t.test('each way a file can be wrong has its own reason', async (t) => {
  t.equal(reasonOf(good.subarray(0, 3)), 'TRUNCATED');
  t.equal(reasonOf(good.subarray(0, good.length - 1)), 'LENGTH_PAST_END');
  t.equal(reasonOf(Buffer.concat([Buffer.from([0x30]), good.subarray(1)])), 'NOT_CARD_FACE');
  const der = Buffer.concat([Buffer.from('308201', 'hex'), Buffer.alloc(2)]);
  t.equal(reasonOf(der), 'NOT_CARD_FACE', 'the old DER SEQUENCE layout is refused');
  const wrongOffset = Buffer.from(good);
  wrongOffset[9] = wrongOffset[9]! + 1; // soltia48's a_wrong_offset_table_is_rejected
  t.equal(reasonOf(wrongOffset), 'OFFSET_MISMATCH');
  const withoutTable = berTlv(0xff20, Buffer.concat([berTlv(0xdf22, Buffer.from('19800217'))]));
  t.equal(reasonOf(withoutTable), 'NO_OFFSET_TABLE');
  const table = (n: number, first: number) => { const b = Buffer.alloc(n * 2); for (let i = 0; i < n; i++) b.writeUInt16BE(first, i * 2); return b; };
  const onlyDate = berTlv(0xff20, Buffer.concat([berTlv(0xdf21, table(1, 8)), berTlv(0xdf22, Buffer.from('19800217'))]));
  t.equal(reasonOf(onlyDate), 'MISSING_FIELD');
  t.equal(reasonOf(buildCardFaceFile({ ...content, birthDate: '1980-2-17' })), 'BAD_FIELD');
  t.equal(reasonOf(buildCardFaceFile({ ...content, photo: Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1') })), 'NOT_JPEG2000');
  const twice = berTlv(0xff20, Buffer.concat([berTlv(0xdf21, Buffer.from('0008000e', 'hex')), berTlv(0xdf22, Buffer.from('19800217')), berTlv(0xdf22, Buffer.from('19800217'))]));
  t.equal(reasonOf(twice), 'DUPLICATE_FIELD');
  // A field whose length runs past the template's end.
  const past = Buffer.from(good);
  const photoAt = good.readUInt16BE(8 + 5 * 2);
  past.writeUInt16BE(0xffff, photoAt + 3);
  t.equal(reasonOf(past), 'LENGTH_PAST_END');
  t.equal(reasonOf(Buffer.from('ff2080', 'hex')), 'TRUNCATED', 'indefinite length');
  t.equal(reasonOf(Buffer.from('ff2084ffffffff', 'hex')), 'TRUNCATED', '4 length bytes');
  t.equal(reasonOf(Buffer.alloc(0)), 'TRUNCATED');
  t.equal(CARD_FACE_FIELD.photo, 0xdf27);
});

t.test('fuzz: mutated, truncated and random files end in a named CARD_ERROR or the right photo', async (t) => {
  const random = seeded(Number(process.env.CARD_FUZZ_SEED ?? 20261129));
  const seen = new Map<string, number>();
  const runs = 20000;
  for (let i = 0; i < runs; i++) {
    let file: Buffer;
    const kind = i % 6;
    if (kind === 0) file = good.subarray(0, Math.floor(random() * good.length));
    else if (kind === 1) { file = Buffer.from(good); for (let k = 0; k < 1 + random() * 6; k++) file[Math.floor(random() * 200)] = Math.floor(random() * 256); }
    else if (kind === 2) { file = Buffer.from(good); file[Math.floor(random() * file.length)] = Math.floor(random() * 256); }
    else if (kind === 3) file = Buffer.from(Array.from({ length: Math.floor(random() * 400) }, () => Math.floor(random() * 256)));
    else if (kind === 4) { // nested garbage: random TLVs inside a well-formed FF20
      const parts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => berTlv(0xdf00 + Math.floor(random() * 64), Buffer.alloc(Math.floor(random() * 300), Math.floor(random() * 256))));
      file = berTlv(0xff20, Buffer.concat(parts));
    } else { file = Buffer.from(good); file.writeUInt16BE(Math.floor(random() * 0x10000), 8 + 2 * Math.floor(random() * 9)); } // a wrong offset
    let outcome: string;
    try {
      const r = parseCardFace(file);
      outcome = 'ok';
      if (r.photo.length > file.length) t.fail('photo larger than the file');
    } catch (error) {
      if (!(error instanceof GatewayError) || error.code !== 'CARD_ERROR' || !reasons.includes(String(error.details.reason))) {
        t.fail(`run ${i}: ${String(error)}`);
        continue;
      }
      outcome = String(error.details.reason);
    }
    seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  }
  t.ok(seen.size >= 6, JSON.stringify(Object.fromEntries(seen)));
  t.ok((seen.get('OFFSET_MISMATCH') ?? 0) > 0 && (seen.get('TRUNCATED') ?? 0) > 0 && (seen.get('LENGTH_PAST_END') ?? 0) > 0);
});

t.test('fuzz: token detection never throws and accepts only the exact names', async (t) => {
  const random = seeded(7);
  const names = ['JPKIAPICCTOKEN2', 'JPKIAPGPSETOKEN', 'JPKIAPIOSTOKEN', 'JPKIAPICCTOKEN'];
  let known = 0;
  for (let i = 0; i < 20000; i++) {
    const base = Buffer.from(names[i % names.length]!.padEnd(32, ' '));
    const b = i % 3 === 0 ? Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)))
      : i % 3 === 1 ? base.subarray(0, Math.floor(random() * 33)) : (() => { const c = Buffer.from(base); const k = Math.floor(random() * 15); c[k] = c[k]! ^ (1 + Math.floor(random() * 255)); return c; })();
    const name = tokenNameOf(b);
    if (name !== 'unknown') {
      known++;
      const text = b.subarray(0, 32).toString('latin1').replace(/[\s\0]+$/, '');
      if (!names.includes(text)) t.fail(`accepted ${JSON.stringify(text)} as ${name}`);
    }
  }
  t.ok(known > 0, `${known} truncated-but-whole names recognised`);
});
