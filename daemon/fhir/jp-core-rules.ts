// The JP Core constraints this gateway promises on every Bundle it publishes, checked in code
// (docs/fhir.md lists them with their source in jami-fhir-jp-wg/jp-core-v1x). Base R4 structure
// (types, cardinality, unknown elements) is checked separately by a FHIR validator in the tests;
// these are the profile rules a base validator cannot know. Returns one sentence per problem.
import type { Bundle, Coverage, HumanName, Organization, Patient, Resource } from '@medplum/fhirtypes';
import { JP } from './bundle.js';

const GENDERS = new Set(['male', 'female', 'other', 'unknown']);
const COVERAGE_STATUS = new Set(['active', 'cancelled', 'draft', 'entered-in-error']);

export function jpCoreProblems(bundle: Bundle): string[] {
  const problems: string[] = [];
  const entries = bundle.entry ?? [];
  const byUrl = new Map<string, Resource>();
  for (const entry of entries) if (entry.fullUrl && entry.resource) byUrl.set(entry.fullUrl, entry.resource);
  const of = <T extends Resource['resourceType']>(type: T) => entries.map((e) => e.resource).filter((r): r is Extract<Resource, { resourceType: T }> => r?.resourceType === type);
  const patients = of('Patient');
  const coverages = of('Coverage');
  const organizations = of('Organization');
  if (bundle.type !== 'collection') problems.push('Bundle.type must be collection');
  if (patients.length !== 1 || coverages.length !== 1 || organizations.length !== 1) {
    problems.push(`Bundle must hold one Patient, one Coverage and one Organization (has ${patients.length}/${coverages.length}/${organizations.length})`);
  }
  const resolves = (reference: string | undefined, type: string) => reference !== undefined && byUrl.get(reference)?.resourceType === type;
  for (const patient of patients) problems.push(...patientProblems(patient));
  for (const organization of organizations) problems.push(...organizationProblems(organization));
  for (const coverage of coverages) {
    problems.push(...coverageProblems(coverage));
    if (!resolves(coverage.beneficiary?.reference, 'Patient')) problems.push('Coverage.beneficiary must reference the Patient in the Bundle');
    if (!(coverage.payor ?? []).every((p) => resolves(p.reference, 'Organization')) || (coverage.payor ?? []).length === 0) {
      problems.push('Coverage.payor must reference the Organization in the Bundle');
    }
  }
  return problems;
}

function patientProblems(patient: Patient): string[] {
  const problems: string[] = [];
  if (!patient.meta?.profile?.includes(JP.patient)) problems.push('Patient.meta.profile must name JP_Patient');
  // JP_Patient: identifier 1..*, identifier.value 1..
  if (!patient.identifier?.length) problems.push('Patient.identifier is required (JP_Patient 1..*)');
  for (const id of patient.identifier ?? []) if (!id.value || !id.system) problems.push('Patient.identifier needs system and value');
  // JP_Patient.name: kanji and kana told apart by iso21090-EN-representation (IDE / SYL).
  const representations = (patient.name ?? []).map(representationOf);
  if (representations.some((r) => r !== 'IDE' && r !== 'SYL')) problems.push('every Patient.name needs iso21090-EN-representation IDE or SYL');
  if (!representations.includes('IDE')) problems.push('Patient.name in kanji (IDE) is missing');
  if (!representations.includes('SYL')) problems.push('Patient.name in kana (SYL) is missing');
  if (!patient.gender || !GENDERS.has(patient.gender)) problems.push('Patient.gender must be male, female, other or unknown');
  if (!patient.birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate)) problems.push('Patient.birthDate must be YYYY-MM-DD (JP_Patient)');
  for (const address of patient.address ?? []) {
    // JP_Patient.address.postalCode: NNN-NNNN or NNN; the text carries no postcode.
    if (address.postalCode !== undefined && !/^\d{3}(-\d{4})?$/.test(address.postalCode)) problems.push('Patient.address.postalCode must be NNN-NNNN');
    if (address.text && address.postalCode && address.text.includes(address.postalCode)) problems.push('Patient.address.text must not contain the postcode');
  }
  return problems;
}

function representationOf(name: HumanName): string | undefined {
  return name.extension?.find((e) => e.url === JP.nameRepresentation)?.valueCode;
}

function organizationProblems(organization: Organization): string[] {
  const problems: string[] = [];
  if (!organization.meta?.profile?.includes(JP.organization)) problems.push('Organization.meta.profile must name JP_Organization');
  const insurer = organization.identifier?.filter((i) => i.system === JP.insurerNumber) ?? [];
  if (insurer.length !== 1) problems.push('Organization needs one identifier[insurerNumber]');
  for (const id of insurer) if (!id.value || !/^(\d{6}|\d{8})$/.test(id.value)) problems.push('the insurer number must be 6 or 8 digits');
  return problems;
}

function coverageProblems(coverage: Coverage): string[] {
  const problems: string[] = [];
  if (!coverage.meta?.profile?.includes(JP.coverage)) problems.push('Coverage.meta.profile must name JP_Coverage');
  if (!coverage.status || !COVERAGE_STATUS.has(coverage.status)) problems.push('Coverage.status is not a FinancialResourceStatusCodes code');
  // identifier[insuranceIdentifier] ..1, system exact, value 1..1: 保険者番号:記号:番号:枝番.
  const member = coverage.identifier?.filter((i) => i.system === JP.memberId) ?? [];
  if (member.length !== 1) problems.push('Coverage needs exactly one identifier[insuranceIdentifier]');
  const parts = member[0]?.value?.split(':') ?? [];
  if (parts.length !== 4) problems.push('the insured-person identifier must be 保険者番号:記号:番号:枝番 (four parts)');
  const ext = (url: string) => coverage.extension?.filter((e) => e.url === url) ?? [];
  for (const url of [JP.symbol, JP.number, JP.subNumber]) {
    for (const e of ext(url)) if (typeof e.valueString !== 'string') problems.push(`${url.split('/').pop()} must be a valueString`);
  }
  const number = ext(JP.number)[0]?.valueString;
  const sub = ext(JP.subNumber)[0]?.valueString;
  if (number === undefined) problems.push('JP_Coverage_InsuredPersonNumber is missing');
  if (sub === undefined) problems.push('JP_Coverage_InsuredPersonSubNumber is missing');
  // JP_Coverage.dependent: the same value as InsuredPersonSubNumber.
  if (sub !== undefined && coverage.dependent !== sub) problems.push('Coverage.dependent must equal InsuredPersonSubNumber');
  if (parts.length === 4) {
    const symbol = ext(JP.symbol)[0]?.valueString ?? '';
    if (parts[1] !== symbol || parts[2] !== number || parts[3] !== sub) problems.push('the insured-person identifier must agree with the symbol, number and branch extensions');
  }
  const period = coverage.period;
  if (period?.start && !/^\d{4}-\d{2}-\d{2}$/.test(period.start)) problems.push('Coverage.period.start must be yyyy-mm-dd (JP_Coverage)');
  if (period?.end && !/^\d{4}-\d{2}-\d{2}$/.test(period.end)) problems.push('Coverage.period.end must be yyyy-mm-dd (JP_Coverage)');
  if (period?.start && period.end && period.start > period.end) problems.push('Coverage.period ends before it starts');
  const relationship = coverage.relationship?.coding?.find((c) => c.system === JP.insuredCategory)?.code;
  if (relationship !== '1' && relationship !== '2') problems.push('Coverage.relationship must be InsuredPersonCategory 1 or 2');
  return problems;
}
