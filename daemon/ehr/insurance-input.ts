// The insurance number fields of a request, after the schema: the checks a JSON Schema cannot make
// (the insurer number's check digit, a real calendar date), each naming its field.
import type { NumberCheckRequest } from '../../drivers/line/eligibility.js';
import type { FieldError } from '../mqtt/schemas.js';

/** 保険者番号 check digit: weights 2,1,2,1,2,1,2 over the first 7, digit sums, (10 - sum % 10) % 10. */
export function insurerCheckDigitOk(insurerNumber: string): boolean {
  if (insurerNumber.length === 6) return true; // 国保: no 法別番号 and no check digit to test
  if (!/^[0-9]{8}$/.test(insurerNumber)) return false;
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const product = Number(insurerNumber[i]) * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return (10 - (sum % 10)) % 10 === Number(insurerNumber[7]);
}

function realDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text && date.getTime() <= Date.now();
}

/** `at` is the JSON Pointer of the object holding the fields ('' or /patients/3); `visitDate` is the
 * batch's default 資格確認日 when the entry gives none. */
export function numberRequestOf(body: Record<string, unknown>, at: string, defaults: { visitDate?: unknown } = {}): { request: NumberCheckRequest } | { errors: FieldError[] } {
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
  let request: NumberCheckRequest = {
    insurerNumber: text('insurerNumber'),
    symbol: text('symbol').normalize('NFKC').trim(),
    number: text('number').normalize('NFKC').trim(),
    branch: text('branch'),
    birthDate: text('birthDate'),
  };
  const errors: FieldError[] = [];
  // 資格確認日: sent to the line as QualificationConfirmationDate, so a past visit is answered for that day.
  const own = typeof body.visitDate === 'string';
  const visitDate = own ? (body.visitDate as string) : typeof defaults.visitDate === 'string' ? defaults.visitDate : undefined;
  if (visitDate !== undefined) {
    if (realDate(visitDate)) request = { ...request, qualificationConfirmationDate: visitDate };
    else errors.push({ field: own ? `${at}/visitDate` : '/visitDate', message: 'must be a real date, not in the future (資格確認日)' });
  }
  if (body.limitConsent === true) request = { ...request, limitConsent: true };
  if (!insurerCheckDigitOk(request.insurerNumber)) errors.push({ field: `${at}/insurerNumber`, message: 'check digit does not match (保険者番号の検証番号)' });
  if (!realDate(request.birthDate)) errors.push({ field: `${at}/birthDate`, message: 'must be a real date, not in the future' });
  if (request.number === '') errors.push({ field: `${at}/number`, message: 'must not be blank' });
  return errors.length > 0 ? { errors } : { request };
}
