// The only thing the JPKI code needs from a reader: send one APDU, get its response. PC/SC, the
// vpcd-hosted virtual card and the in-process simulator each provide one.

export interface ExclusiveOptions {
  /** The operation may leave a security state on the card (a verified PIN): end it when the
   * operation ends, so nobody else can use the key without the PIN (PC/SC: unpower). */
  readonly clearSecurityState: boolean;
  readonly signal?: AbortSignal;
}

export interface ApduTransport {
  /** Sends one command APDU and resolves with the raw response (data + SW1 SW2). Rejects with a
   * GatewayError (CARD_REMOVED, CARD_ERROR ...) or with `signal.reason` when aborted. */
  transmit(apdu: Buffer, signal: AbortSignal): Promise<Buffer>;
  /** Runs one multi-APDU operation with the card held exclusively: no other program on the box
   * can send an APDU in between. Absent where nobody else can reach the card (in process). */
  exclusive?<T>(operation: () => Promise<T>, options: ExclusiveOptions): Promise<T>;
}
