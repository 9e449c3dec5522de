import { ObservedMessage } from '@lib/testing';

/** What a fate needs of a dead-letter copy: its headers (a probe's `ObservedMessage`, an observer's copy). */
type DeadLetter = Pick<ObservedMessage, 'headers'>;

/** A published message: its id, and the unique key that identifies its sends in the vendor's log. */
export interface TrackedMessage {
  id: string;
  /** Meta: the recipient (`to`, unique per message in a scenario); Genesys: the WhatsApp message id (`channel.messageId`). */
  sendKey: string;
}

export interface MessageFate<D extends DeadLetter = ObservedMessage, A = any> {
  message: TrackedMessage;
  /** Vendor calls that accepted the message (Meta: 200 with a WAMID; Genesys: 200 with a message id). */
  acceptances: A[];
  deadLetters: D[];
}

export interface FateCounts<D extends DeadLetter = ObservedMessage, A = any> {
  published: number;
  /** Messages the vendor accepted at least once. */
  sent: number;
  /** Acceptances beyond the first: the customer (or the agent) got the message more than once. */
  duplicates: number;
  deadLettered: number;
  /** Messages neither sent nor dead-lettered. */
  lost: number;
  fates: MessageFate<D, A>[];
}

/** Meta's log names a message by its recipient. */
export const metaSendKey = (request: { body?: any }): string | undefined => request.body?.to;

/**
 * How each published message ended, from the vendor's side (acceptances per send key) and the
 * dead-letter exchange's (copies per id). `deadLetterId` reads a dead letter's id (by default the
 * `x-internal-id` header the whatsapp service sets), `sendKeyOf` an accepted call's send key (by default Meta's).
 */
export function messageFates<D extends DeadLetter = ObservedMessage, A = any>(
  messages: TrackedMessage[],
  accepted: A[],
  deadLetters: D[],
  deadLetterId: (message: D) => string | undefined = (message) => message.headers['x-internal-id'],
  sendKeyOf: (call: A) => string | undefined = metaSendKey as (call: A) => string | undefined,
): FateCounts<D, A> {
  const acceptancesOf = groupBy(accepted, sendKeyOf);
  const deadLettersOf = groupBy(deadLetters, deadLetterId);
  const fates = messages.map((message) => ({
    message,
    acceptances: acceptancesOf.get(message.sendKey) ?? [],
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
