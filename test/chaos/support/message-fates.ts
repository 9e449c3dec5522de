import { ObservedMessage, RecordedRequest } from '@lib/testing';

/** What a fate needs of a dead-letter copy: its headers (a probe's `ObservedMessage`, an observer's copy). */
type DeadLetter = Pick<ObservedMessage, 'headers'>;

/** A published message: its id, and the unique recipient that identifies its sends in Meta's log. */
export interface TrackedMessage {
  id: string;
  to: string;
}

export interface MessageFate<D extends DeadLetter = ObservedMessage> {
  message: TrackedMessage;
  /** Meta calls that accepted the message (200 with a WAMID). */
  acceptances: RecordedRequest[];
  deadLetters: D[];
}

export interface FateCounts<D extends DeadLetter = ObservedMessage> {
  published: number;
  /** Messages Meta accepted at least once. */
  sent: number;
  /** Acceptances beyond the first: the customer got the message more than once. */
  duplicates: number;
  deadLettered: number;
  /** Messages neither sent nor dead-lettered. */
  lost: number;
  fates: MessageFate<D>[];
}

/**
 * How each published message ended, from Meta's side (acceptances per recipient) and the dead-letter
 * exchange's (copies per id). `deadLetterId` reads a dead letter's id (by default the `x-internal-id`
 * header the service sets).
 */
export function messageFates<D extends DeadLetter = ObservedMessage>(
  messages: TrackedMessage[],
  accepted: RecordedRequest[],
  deadLetters: D[],
  deadLetterId: (message: D) => string | undefined = (message) => message.headers['x-internal-id'],
): FateCounts<D> {
  const acceptancesTo = groupBy(accepted, (request) => request.body?.to);
  const deadLettersOf = groupBy(deadLetters, deadLetterId);
  const fates = messages.map((message) => ({
    message,
    acceptances: acceptancesTo.get(message.to) ?? [],
    deadLetters: deadLettersOf.get(message.id) ?? [],
  }));
  return {
    published: messages.length,
    sent: fates.filter((fate) => fate.acceptances.length > 0).length,
    duplicates: fates.reduce((sum, fate) => sum + Math.max(0, fate.acceptances.length - 1), 0),
    deadLettered: fates.filter((fate) => fate.deadLetters.length > 0).length,
    lost: fates.filter((fate) => fate.acceptances.length === 0 && fate.deadLetters.length === 0).length,
    fates,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
