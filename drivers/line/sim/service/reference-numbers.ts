// 照会番号 (ReferenceNumber): the clinic's own patient number, registered with the service and
// returned in every answer about that person. It belongs to the institution, not to one terminal:
// every gateway of the clinic sees it (the institution is the O= of the client certificate, as
// every terminal of one clinic holds a certificate issued to that clinic). It names the person
// (all of their qualifications), so it stays when their insurance changes — unlike a key made
// from the insurance number. How the real service takes a registration is not public
// (docs/eligibility.md); this book keeps the rule the issue and the result layout imply: one
// number per person per institution, one person per number.

export type Registration =
  | { readonly ok: true; readonly previous: string | null }
  | { readonly ok: false; readonly error: 'REFERENCE_IN_USE' };

export class ReferenceBook {
  /** institution → person → number, and the reverse. */
  readonly #byPerson = new Map<string, Map<string, string>>();
  readonly #byNumber = new Map<string, Map<string, string>>();

  of(institution: string, person: string): string | null {
    return this.#byPerson.get(institution)?.get(person) ?? null;
  }

  personOf(institution: string, reference: string): string | undefined {
    return this.#byNumber.get(institution)?.get(reference);
  }

  /** Registers (or with null removes) the person's number; a number held by someone else is refused. */
  set(institution: string, person: string, reference: string | null): Registration {
    const people = this.#byPerson.get(institution) ?? new Map<string, string>();
    const numbers = this.#byNumber.get(institution) ?? new Map<string, string>();
    const holder = reference === null ? undefined : numbers.get(reference);
    if (holder !== undefined && holder !== person) return { ok: false, error: 'REFERENCE_IN_USE' };
    const previous = people.get(person) ?? null;
    if (previous !== null) numbers.delete(previous);
    if (reference === null) people.delete(person);
    else { people.set(person, reference); numbers.set(reference, person); }
    this.#byPerson.set(institution, people);
    this.#byNumber.set(institution, numbers);
    return { ok: true, previous };
  }

  /** How many numbers an institution has registered (tests, /v1/health). */
  count(institution: string): number {
    return this.#byPerson.get(institution)?.size ?? 0;
  }
}
