import { RecordedRequest } from '@lib/testing';
import { ScenarioResult } from './chaos-report';
import { messageFates } from './message-fates';

/** One message a scenario published; its recipient is unique, so Meta's log can be matched to it. */
export interface PublishedMessage {
  internalId: string;
  tenantId: string;
  to: string;
}

/** A dead-letter copy as the observer saw it. */
export interface DeadLetterCopy {
  headers: Record<string, any>;
  body: any;
}

export interface OutcomeCount extends Omit<ScenarioResult, 'scenario' | 'notes'> {
  /** Meta calls answered 200, by internal id. */
  acceptedCalls: Map<string, number>;
  /** Ids with at least one `sent` status event. */
  reportedSent: Set<string>;
  /** Ids sent more than once. */
  duplicated: string[];
  /** Ids neither sent nor dead-lettered. */
  lostIds: string[];
  /** Dead-letter copies without a category or a non-empty reason message. */
  deadLettersWithoutReason: DeadLetterCopy[];
  /** Ids dead-lettered although Meta accepted them. */
  sentAndDeadLettered: string[];
  /** Ids with a `sent` status event but no accepted Meta call. */
  reportedButNotSent: string[];
  /** Dead-letter categories and how many of each. */
  deadLetterCategories: Record<string, number>;
}

const internalIdOf = (copy: DeadLetterCopy): string | undefined => copy.headers['x-internal-id'] ?? copy.body?.metadata?.internalId;

/**
 * Counts what became of every published message (`messageFates`: Meta's log is the truth for sent
 * and duplicated), and checks the status events and dead-letter reasons against it.
 */
export function countOutcomes(input: {
  published: PublishedMessage[];
  metaRequests: RecordedRequest[];
  statusEvents: any[];
  deadLetters: DeadLetterCopy[];
}): OutcomeCount {
  const { fates, ...counts } = messageFates(
    input.published.map((message) => ({ id: message.internalId, to: message.to })),
    input.metaRequests.filter((request) => request.status === 200),
    input.deadLetters,
    internalIdOf,
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
  const reportedSent = new Set(input.statusEvents.filter((event) => event.status === 'sent').map((event) => event.internalId as string));
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
