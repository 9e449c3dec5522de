/** Exit codes of the dead-letter tool; README "Dead-letter tool" lists them. */
export const ExitCode = {
  OK: 0,
  /** The operation did not complete: nothing to show, a republish failed, or the operator declined. */
  FAILED: 1,
  /** Bad flags or arguments. */
  USAGE: 2,
  /** The broker or the queue could not be reached. */
  BROKER: 3,
  /** Interrupted (Ctrl-C); what was not replayed stays in the queue. */
  INTERRUPTED: 130,
} as const;

/** A mistake in the command line; reported with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The broker, or the queue on it, cannot be reached; reported with exit code 3. */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
}
