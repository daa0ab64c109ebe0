// The only thing the JPKI code needs from a reader: send one APDU, get its response. PC/SC, the
// vpcd-hosted virtual card and the in-process simulator each provide one.

export interface ApduTransport {
  /** Sends one command APDU and resolves with the raw response (data + SW1 SW2). Rejects with a
   * GatewayError (CARD_REMOVED, CARD_ERROR ...) or with `signal.reason` when aborted. */
  transmit(apdu: Buffer, signal: AbortSignal): Promise<Buffer>;
}
