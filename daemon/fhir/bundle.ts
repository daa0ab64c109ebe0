// A check-in as an HL7 FHIR R4 Bundle following JP Core (jami-fhir-jp-wg/jp-core-v1x): the
// patient (JP_Patient), the insurance (JP_Coverage) and its payor (JP_Organization). Field by
// field in docs/fhir.md. JP Core has no マイナ保険証 extension yet (jp-core-v1x issue #947), so
// the insured-person identifier 保険者番号:記号:番号:枝番 is the key that ties the three together.
import { createHash } from 'node:crypto';
import type { Bundle, Coverage, Extension, HumanName, Organization, Patient } from '@medplum/fhirtypes';
import { insuranceOf, soleResult, type EligibilityResult, type InsuranceNumber, type QualificationResult } from '../../drivers/line/eligibility.js';
import type { CheckinEvent } from '../flow/checkin-event.js';

export const JP = {
  patient: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient',
  coverage: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage',
  organization: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
  symbol: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
  number: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
  subNumber: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber',
  /** JP_Coverage identifier[insuranceIdentifier] (被保険者個人識別子). */
  memberId: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID',
  /** JP_Organization identifier[insurerNumber] ($JP_IdSystem_InsurerNumber). */
  insurerNumber: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber',
  /** JP_Coverage relationship: 1 被保険者, 2 被扶養者 (MHLW 別表12, named in JP_Coverage). */
  insuredCategory: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory',
  /** JP_Patient identifier: the clinic's own patient id, namespaced by its medical institution code. */
  patientIdOid: 'urn:oid:1.2.392.100495.20.3.51.1',
  /** JP_HumanName: kanji (IDE) or kana (SYL) name. */
  nameRepresentation: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation',
} as const;

/** The FHIR topic payload: the Bundle itself (FHIR JSON is its own schema). */
export type CheckinBundle = Bundle<Patient | Coverage | Organization>;

export interface BundleOptions {
  /** 医療機関コード (10 digits); names the system of the EHR's patient id. */
  readonly medicalInstitutionCode?: string;
}

/** 被保険者個人識別子 (JP_Coverage): 保険者番号:記号:番号:枝番, empty parts kept empty. */
export function insuredPersonIdentifier(insurance: InsuranceNumber): string {
  return [insurance.insurerNumber, insurance.symbol, insurance.number, insurance.branch].join(':');
}

/**
 * The Bundle for a check-in whose eligibility answer named one person; null otherwise (a check-in
 * that never reached the service, an answer without a person, or several qualifications at once
 * (複数該当): the desk must choose the insurance first).
 */
export function checkinBundle(event: CheckinEvent, options: BundleOptions = {}): CheckinBundle | null {
  const person = event.eligibility ? soleResult(event.eligibility) : null;
  if (!person || !event.eligibility) return null;
  const ids = resourceIds(event.eventId);
  const memberId = insuredPersonIdentifier(insuranceOf(person));
  const patient = patientOf(person, memberId, event.patientId, options);
  const payor = payorOf(person);
  const coverage = coverageOf(person, memberId, event.eligibility.qualificationValidity, ids);
  return {
    resourceType: 'Bundle',
    id: event.eventId,
    meta: { lastUpdated: event.time },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${event.eventId}` },
    type: 'collection',
    timestamp: event.time,
    entry: [
      { fullUrl: ids.patient, resource: patient },
      { fullUrl: ids.coverage, resource: coverage },
      { fullUrl: ids.payor, resource: payor },
    ],
  };
}

/** Stable per check-in, so the same event always gives the same Bundle (consumers dedupe). */
function resourceIds(eventId: string) {
  const uuid = (part: string) => {
    const hex = createHash('sha256').update(`${eventId}/${part}`).digest('hex');
    // RFC 4122 layout, version 5-style (name-based) and variant bits set.
    return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
  };
  return { patient: uuid('Patient'), coverage: uuid('Coverage'), payor: uuid('Organization') };
}

function patientOf(person: QualificationResult, memberId: string, patientId: string | undefined, options: BundleOptions): Patient {
  const identifier: NonNullable<Patient['identifier']> = [];
  if (patientId && options.medicalInstitutionCode) {
    identifier.push({ system: `${JP.patientIdOid}${options.medicalInstitutionCode}`, value: patientId });
  }
  // JP_Patient requires an identifier (1..*): without the EHR's own id, the insured-person
  // identifier is the one every party can look up.
  identifier.push({ system: JP.memberId, value: memberId });
  return {
    resourceType: 'Patient',
    meta: { profile: [JP.patient] },
    identifier,
    name: [nameOf(person.name, 'IDE'), nameOf(person.nameKana, 'SYL')].filter((n): n is HumanName => n !== null),
    gender: GENDER[person.sex1],
    birthDate: person.birthdate,
    ...(person.address || person.postNumber
      ? { address: [{ use: 'home', ...(person.address ? { text: person.address } : {}), ...(person.postNumber ? { postalCode: person.postNumber } : {}), country: 'JP' }] }
      : {}),
  };
}

/** Sex1 (OQSCD007: 1 男, 2 女, 3 未設定) as FHIR administrative gender. */
const GENDER = { '1': 'male', '2': 'female', '3': 'unknown' } as const;

/** Family and given names split at the first space (full- or half-width) when there is one. */
function nameOf(text: string, representation: 'IDE' | 'SYL'): HumanName | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const [family, ...given] = trimmed.split(/[\s\u3000]+/);
  const extension: Extension[] = [{ url: JP.nameRepresentation, valueCode: representation }];
  return {
    extension,
    use: 'official',
    text: trimmed,
    ...(given.length > 0 && family ? { family, given } : {}),
  };
}

function payorOf(person: QualificationResult): Organization {
  return {
    resourceType: 'Organization',
    meta: { profile: [JP.organization] },
    identifier: [{ system: JP.insurerNumber, value: person.insurerNumber }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'pay', display: 'Payer' }] }],
    name: person.insurerName, // InsurerName (医療扶助: the welfare office)
  };
}

function coverageOf(
  person: QualificationResult,
  memberId: string,
  validity: EligibilityResult['qualificationValidity'],
  ids: ReturnType<typeof resourceIds>,
): Coverage {
  const insurance = insuranceOf(person);
  const extension: Extension[] = [
    ...(insurance.symbol ? [{ url: JP.symbol, valueString: insurance.symbol }] : []),
    { url: JP.number, valueString: insurance.number },
    { url: JP.subNumber, valueString: insurance.branch },
  ];
  const self = person.personalFamilyClassification !== '2';
  const copay = person.insuredPartialContributionRatio === null ? null : Number(person.insuredPartialContributionRatio);
  const end = person.insuredCardExpirationDate ?? (person.disqualificationDate ? dayBefore(person.disqualificationDate) : null);
  return {
    resourceType: 'Coverage',
    meta: { profile: [JP.coverage] },
    extension,
    identifier: [{ system: JP.memberId, value: memberId, assigner: { reference: ids.payor } }],
    // active: QualificationValidity 1 (or 6: 医療扶助 valid, not registered yet); cancelled: 2 or 3
    // (lost, replaced); draft: anything else (FHIR has no "unknown": draft = "not in force as far as we know").
    status: validity === '1' || validity === '6' ? 'active' : validity === '2' || validity === '3' ? 'cancelled' : 'draft',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PUBLICPOL', display: 'public healthcare' }], text: person.insuredCardClassificationLabel },
    subscriberId: insurance.symbol ? `${insurance.symbol}:${insurance.number}` : insurance.number,
    beneficiary: { reference: ids.patient },
    ...(self ? { subscriber: { reference: ids.patient } } : {}),
    dependent: insurance.branch,
    relationship: { coding: [{ system: JP.insuredCategory, code: self ? '1' : '2', display: self ? '被保険者' : '被扶養者' }] },
    period: { start: person.qualificationDate, ...(end ? { end } : {}) },
    payor: [{ reference: ids.payor }],
    // InsuredPartialContributionRatio is written in 3 digits (030 = 3割 = 30 %); none for 医療扶助.
    ...(copay === null ? {} : {
      costToBeneficiary: [
        {
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-copay-type', code: 'copaypct', display: 'Copay Percentage' }], text: '一部負担金割合' },
          valueQuantity: { value: copay, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
        },
      ],
    }),
  };
}

/** 資格喪失日 is the first day without the qualification; a FHIR period end is its last day. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
}
