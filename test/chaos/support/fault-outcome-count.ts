import { ScenarioResult } from './chaos-report';
import { ChaosContract } from './chaos-contract';
import { messageFates } from './message-fates';

/** One message a scenario published; its send key is unique, so the vendor's log can be matched to it. */
export interface PublishedMessage {
  /** The service's id of the message (`internalId`, `whatsapp_message_id`). */
  id: string;
  tenantId: string;
  /** What names it in the vendor's log: Meta's recipient, Genesys's `channel.messageId`. */
  sendKey: string;
}

/** A dead-letter copy as the observer saw it. */
export interface DeadLetterCopy {
  headers: Record<string, any>;
  body: any;
}

export interface OutcomeCount extends Omit<ScenarioResult, 'scenario' | 'notes'> {
  /** Vendor calls that accepted a message, by its id. */
  acceptedCalls: Map<string, number>;
  /** Ids with at least one event reporting them delivered. */
  reportedSent: Set<string>;
  /** Ids sent more than once. */
  duplicated: string[];
  /** Ids neither sent nor dead-lettered. */
  lostIds: string[];
  /** Dead-letter copies without a category or a non-empty reason message. */
  deadLettersWithoutReason: DeadLetterCopy[];
  /** Ids dead-lettered although the vendor accepted them. */
  sentAndDeadLettered: string[];
  /** Ids reported delivered without an accepted vendor call. */
  reportedButNotSent: string[];
  /** Dead-letter categories and how many of each. */
  deadLetterCategories: Record<string, number>;
}

/**
 * Counts what became of every published message (`messageFates`: the vendor's log is the truth for sent
 * and duplicated), and checks the outcome events and dead-letter reasons against it. `acceptedKeys`
 * holds the send key of every call the vendor accepted, one per call.
 */
export function countOutcomes(input: {
  contract: ChaosContract;
  published: PublishedMessage[];
  acceptedKeys: string[];
  events: any[];
  deadLetters: DeadLetterCopy[];
}): OutcomeCount {
  const { contract } = input;
  const idOf = (copy: DeadLetterCopy): string | undefined =>
    copy.headers[contract.egress.messageIdHeader] ?? copy.body?.metadata?.[contract.egress.messageIdField];
  const { fates, ...counts } = messageFates(
    input.published.map((message) => ({ id: message.id, sendKey: message.sendKey })),
    input.acceptedKeys,
    input.deadLetters,
    idOf,
    (key) => key,
  );
  const idsWhere = (keep: (fate: (typeof fates)[number]) => boolean) => fates.filter(keep).map((fate) => fate.message.id);
  const acceptedCalls = new Map(
    fates.filter((fate) => fate.acceptances.length > 0).map((fate) => [fate.message.id, fate.acceptances.length]),
  );
  const deadLetterCategories: Record<string, number> = {};
  const deadLettersWithoutReason: DeadLetterCopy[] = [];
  for (const copy of input.deadLetters) {
    const category = String(copy.headers['x-error-category'] ?? '');
    const reason = String(copy.headers['x-error-message'] ?? '').trim();
    if (!category || !reason) deadLettersWithoutReason.push(copy);
    deadLetterCategories[category || 'none'] = (deadLetterCategories[category || 'none'] ?? 0) + 1;
  }
  const reportedSent = new Set(
    input.events.filter((event) => contract.isDeliveredEvent(event)).map((event) => contract.eventMessageId(event) as string),
  );
  return {
    ...counts,
    acceptedCalls,
    reportedSent,
    duplicated: idsWhere((fate) => fate.acceptances.length > 1),
    lostIds: idsWhere((fate) => fate.acceptances.length === 0 && fate.deadLetters.length === 0),
    deadLettersWithoutReason,
    sentAndDeadLettered: idsWhere((fate) => fate.acceptances.length > 0 && fate.deadLetters.length > 0),
    reportedButNotSent: [...reportedSent].filter((id) => !acceptedCalls.has(id)),
    deadLetterCategories,
  };
}
