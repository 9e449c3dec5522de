/**
 * The broker refused a declaration (PRECONDITION_FAILED) because the queue or exchange already exists
 * with other arguments. Start-up stops here; README "Migrating queue arguments" says what to do.
 */
export class TopologyMismatchError extends Error {
  override readonly name = 'TopologyMismatchError';

  constructor(
    readonly objectName: string,
    readonly argument: string | undefined,
    brokerMessage: string,
  ) {
    super(
      `RabbitMQ refused to declare '${objectName}'` +
        (argument ? `: its argument '${argument}' differs from what this service declares` : '') +
        ` (${brokerMessage}). The existing object must be migrated; see README "Migrating queue arguments".`,
    );
  }

  /** Parses the broker's `inequivalent arg 'x-…' for queue '…'` close message. */
  static fromBrokerMessage(fallbackName: string, brokerMessage: string): TopologyMismatchError {
    const match = /inequivalent arg '([^']+)' for (?:queue|exchange) '([^']+)'/.exec(brokerMessage);
    return new TopologyMismatchError(match?.[2] ?? fallbackName, match?.[1], brokerMessage);
  }
}
