// Certificate standing (issue 12): expiring within 3 months, grace up to 3 months after the end.
import t from 'tap';
import { certificateStanding } from '../../../../drivers/card/certificate.js';

const from = new Date('2021-01-01T00:00:00Z');
const to = new Date('2026-05-31T23:59:59Z');

t.test('calendar months either side of notAfter', async (t) => {
  const at = (iso: string) => certificateStanding(from, to, new Date(iso));
  t.equal(at('2020-12-31T00:00:00Z'), 'not-yet-valid');
  t.equal(at('2026-02-27T00:00:00Z'), 'valid');
  t.equal(at('2026-03-01T00:00:00Z'), 'expiring', 'within 3 months of the end');
  t.equal(at('2026-05-31T23:59:59Z'), 'expiring', 'the last second');
  t.equal(at('2026-06-01T00:00:00Z'), 'grace');
  t.equal(at('2026-08-30T00:00:00Z'), 'grace');
  t.equal(at('2026-09-01T00:00:00Z'), 'expired', 'more than 3 months after (Aug has 31 days: clamped)');
});
