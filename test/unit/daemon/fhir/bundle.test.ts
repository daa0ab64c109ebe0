// The check-in → FHIR Bundle mapping (daemon/fhir/bundle.ts): every named person of the simulated
// register gives a Bundle that validates against base R4 (@medplum/core) and the JP Core rules we
// implement, and every mapped field says what the check-in said. The rules themselves must fire.
import t from 'tap';
import type { Coverage, Organization, Patient } from '@medplum/fhirtypes';
import { checkinBundle, insuredPersonIdentifier, JP, type CheckinBundle } from '../../../../daemon/fhir/bundle.js';
import { jpCoreProblems } from '../../../../daemon/fhir/jp-core-rules.js';
import { checkinFor, namedCheckins } from '../../../helpers/checkin-events.js';
import { insuranceOf } from '../../../../drivers/line/eligibility.js';
import { fhirProblems, r4Problems } from '../../../helpers/fhir-validate.js';
import { NAMED_PEOPLE } from '../../../../drivers/line/sim/service/named-people.js';

function parts(bundle: CheckinBundle) {
  const of = <T>(type: string) => bundle.entry?.find((e) => e.resource?.resourceType === type)?.resource as T;
  return { patient: of<Patient>('Patient'), coverage: of<Coverage>('Coverage'), payor: of<Organization>('Organization') };
}

t.test('every named person: a Bundle valid against R4 and our JP Core rules, each field mapped', async (t) => {
  for (const { id, event } of namedCheckins()) {
    const bundle = checkinBundle(event, { medicalInstitutionCode: '1312345670' });
    if (!bundle) throw new Error(`no bundle for ${id}`);
    t.same(fhirProblems(bundle), [], `${id}: validates`);
    const person = event.eligibility?.results[0];
    if (!person) throw new Error('no person');
    const insurance = insuranceOf(person);
    const { patient, coverage, payor } = parts(bundle);
    t.equal(bundle.id, event.eventId, `${id}: Bundle.id is the event id`);
    t.equal(bundle.timestamp, event.time);
    // Insurer number and name, symbol, number, branch.
    t.equal(payor.identifier?.[0]?.value, insurance.insurerNumber, `${id}: insurer number`);
    t.equal(payor.name, person.insurerName, `${id}: insurer name (InsurerName)`);
    const ext = (url: string) => coverage.extension?.find((e) => e.url === url)?.valueString;
    t.equal(ext(JP.symbol), insurance.symbol || undefined, `${id}: symbol`);
    t.equal(ext(JP.number), insurance.number, `${id}: number`);
    t.equal(ext(JP.subNumber), insurance.branch, `${id}: branch`);
    t.equal(coverage.dependent, insurance.branch);
    t.equal(coverage.identifier?.[0]?.value, `${insurance.insurerNumber}:${insurance.symbol}:${insurance.number}:${insurance.branch}`, `${id}: 保険者番号:記号:番号:枝番`);
    // Copay ratio ('030' → 30 %; none for 医療扶助) and validity period.
    const copay = person.insuredPartialContributionRatio === null ? undefined : Number(person.insuredPartialContributionRatio);
    t.equal(coverage.costToBeneficiary?.[0]?.valueQuantity?.value, copay, `${id}: copay %`);
    t.equal(coverage.period?.start, person.qualificationDate, `${id}: valid from`);
    const validity = event.eligibility?.qualificationValidity;
    t.equal(coverage.status, validity === '1' || validity === '6' ? 'active' : validity === '2' || validity === '3' ? 'cancelled' : 'draft', `${id}: status`);
    t.equal(coverage.relationship?.coding?.[0]?.code, person.personalFamilyClassification === '2' ? '2' : '1');
    // Name (kanji, kana), birth date, sex, address.
    const name = (rep: string) => patient.name?.find((n) => n.extension?.some((e) => e.valueCode === rep));
    t.equal(name('IDE')?.text, person.name.trim(), `${id}: kanji name`);
    t.equal(name('SYL')?.text, person.nameKana.trim(), `${id}: kana name`);
    t.equal(name('IDE')?.family, person.name.split(/[\s\u3000]+/)[0], `${id}: family name`);
    t.equal(patient.birthDate, person.birthdate, `${id}: birth date`);
    t.equal(patient.gender, ({ '1': 'male', '2': 'female', '3': 'unknown' } as const)[person.sex1], `${id}: sex`);
    t.equal(patient.address?.[0]?.text, person.address, `${id}: address`);
    t.equal(patient.address?.[0]?.postalCode, person.postNumber, `${id}: postcode`);
  }
});

t.test('the EHR patient id becomes a JP_Patient identifier in the clinic OID namespace', async (t) => {
  const event = checkinFor(NAMED_PEOPLE[0]!, { patientId: 'K-000123' });
  const bundle = checkinBundle(event, { medicalInstitutionCode: '1312345670' });
  if (!bundle) throw new Error('no bundle');
  t.same(fhirProblems(bundle), []);
  t.same(parts(bundle).patient.identifier?.[0], { system: 'urn:oid:1.2.392.100495.20.3.51.11312345670', value: 'K-000123' });
});

t.test('the same check-in always gives the same Bundle; no person gives none', async (t) => {
  const event = checkinFor(NAMED_PEOPLE[1]!);
  t.same(checkinBundle(event), checkinBundle(event));
  t.equal(checkinBundle({ ...event, eligibility: null }), null);
  t.equal(insuredPersonIdentifier({ insurerNumber: '271007', symbol: '', number: '12', branch: '01' }), '271007::12:01', 'an empty symbol stays an empty part');
});

t.test('the validators fire on broken bundles', async (t) => {
  const good = checkinBundle(checkinFor(NAMED_PEOPLE[0]!));
  if (!good) throw new Error('no bundle');
  const broken = (edit: (b: CheckinBundle) => void) => {
    const copy = structuredClone(good);
    edit(copy);
    return copy;
  };
  const { patient, coverage, payor } = parts(good);
  const at = (b: CheckinBundle) => parts(b);
  t.not(r4Problems(broken((b) => Object.assign(at(b).patient, { shoeSize: 42 }))).length, 0, 'R4: unknown element');
  t.not(r4Problems(broken((b) => { at(b).coverage.beneficiary = undefined as unknown as Coverage['beneficiary']; })).length, 0, 'R4: Coverage.beneficiary is 1..1');
  const cases: [string, (b: CheckinBundle) => void][] = [
    ['no identifier', (b) => { at(b).patient.identifier = []; }],
    ['no kana name', (b) => { at(b).patient.name = at(b).patient.name?.slice(0, 1); }],
    ['bad gender', (b) => { (at(b).patient as { gender: string }).gender = 'males'; }],
    ['bad postcode', (b) => { at(b).patient.address![0]!.postalCode = '1000005'; }],
    ['three-part identifier', (b) => { at(b).coverage.identifier![0]!.value = '01130012:1010:2345'; }],
    ['dependent differs from branch', (b) => { at(b).coverage.dependent = '01'; }],
    ['period ends before it starts', (b) => { at(b).coverage.period = { start: '2020-01-01', end: '2019-01-01' }; }],
    ['7-digit insurer number', (b) => { at(b).payor.identifier![0]!.value = '0113001'; }],
    ['payor not in the bundle', (b) => { at(b).coverage.payor = [{ reference: 'urn:uuid:00000000-0000-5000-8000-000000000000' }]; }],
  ];
  t.ok(patient && coverage && payor);
  for (const [what, edit] of cases) t.not(jpCoreProblems(broken(edit)).length, 0, `JP Core rule fires: ${what}`);
});
