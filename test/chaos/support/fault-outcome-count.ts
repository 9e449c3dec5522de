import { RecordedRequest } from '@lib/testing';
import { ScenarioResult } from './chaos-report';

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
 * Counts what became of every published message: sent (Meta accepted it; Meta's log is the truth,
 * status events are checked against it), duplicates (accepted more than once), dead-lettered (a copy
 * on the dead-letter exchange) and lost (neither).
 */
export function countOutcomes(input: {
  published: PublishedMessage[];
  metaRequests: RecordedRequest[];
  statusEvents: any[];
  deadLetters: DeadLetterCopy[];
}): OutcomeCount {
  const idByRecipient = new Map(input.published.map((message) => [message.to, message.internalId]));
  const acceptedCalls = new Map<string, number>();
  for (const request of input.metaRequests) {
    const id = request.status === 200 ? idByRecipient.get(request.body?.to) : undefined;
    if (id) acceptedCalls.set(id, (acceptedCalls.get(id) ?? 0) + 1);
  }
  const deadLetteredIds = new Set<string>();
  const deadLetterCategories: Record<string, number> = {};
  const deadLettersWithoutReason: DeadLetterCopy[] = [];
  for (const copy of input.deadLetters) {
    const id = internalIdOf(copy);
    if (id) deadLetteredIds.add(id);
    const category = String(copy.headers['x-error-category'] ?? '');
    const reason = String(copy.headers['x-error-message'] ?? '').trim();
    if (!category || !reason) deadLettersWithoutReason.push(copy);
    deadLetterCategories[category || 'none'] = (deadLetterCategories[category || 'none'] ?? 0) + 1;
  }
  const reportedSent = new Set(input.statusEvents.filter((event) => event.status === 'sent').map((event) => event.internalId as string));
  const publishedIds = input.published.map((message) => message.internalId);
  const duplicated = publishedIds.filter((id) => (acceptedCalls.get(id) ?? 0) > 1);
  const lostIds = publishedIds.filter((id) => !acceptedCalls.has(id) && !deadLetteredIds.has(id));
  return {
    published: publishedIds.length,
    sent: publishedIds.filter((id) => acceptedCalls.has(id)).length,
    duplicates: duplicated.reduce((extra, id) => extra + acceptedCalls.get(id)! - 1, 0),
    deadLettered: publishedIds.filter((id) => deadLetteredIds.has(id)).length,
    lost: lostIds.length,
    acceptedCalls,
    reportedSent,
    duplicated,
    lostIds,
    deadLettersWithoutReason,
    sentAndDeadLettered: publishedIds.filter((id) => acceptedCalls.has(id) && deadLetteredIds.has(id)),
    reportedButNotSent: [...reportedSent].filter((id) => !acceptedCalls.has(id)),
    deadLetterCategories,
  };
}
