/** Headers a replay sets on the republished message, so its history survives a second dead-lettering. */
export const ReplayHeader = {
  /** How often this message has been replayed from a dead-letter queue. */
  COUNT: 'x-replay-count',
  /** When it was last replayed (ISO-8601). */
  AT: 'x-replayed-at',
  /** The `x-error-category` it had in the dead-letter queue before the last replay. */
  FROM_CATEGORY: 'x-replayed-from-category',
} as const;
