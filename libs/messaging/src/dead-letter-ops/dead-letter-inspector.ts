import { ChannelModel } from 'amqplib';
import { DeadLetterEntry } from './dead-letter-entry';
import { DeadLetterFilter, matchesFilter } from './dead-letter-filter';
import { DeadLetterQueueReader } from './dead-letter-queue-reader';
import { DeadLetterShape } from './dead-letter-shape';
import { DeadLetterCount, DeadLetterSummary } from './dead-letter-summary';

export interface InspectOptions {
  queue: string;
  /** How the service that owns the queue writes its dead letters. */
  shape: DeadLetterShape;
  filter?: DeadLetterFilter;
  /** Most entries to return (counts always cover every match). Default 20. */
  limit?: number;
  now?: Date;
}

export interface DeadLetterInspection {
  queue: string;
  /** Messages read: those ready in the queue when the scan started. */
  scanned: number;
  /** Messages that match the filter; the counts below are over these. */
  matched: number;
  counts: DeadLetterCount[];
  byTenant: Record<string, number>;
  byCategory: Record<string, number>;
  /** The first `limit` matching entries, in queue order. */
  entries: DeadLetterEntry[];
}

/** Reads the whole dead-letter queue, changing nothing: counts of the matching entries and a page of them. */
export async function inspectDeadLetters(connection: ChannelModel, options: InspectOptions): Promise<DeadLetterInspection> {
  const filter = options.filter ?? {};
  const limit = options.limit ?? 20;
  const now = options.now ?? new Date();
  const summary = new DeadLetterSummary();
  const entries: DeadLetterEntry[] = [];
  let scanned = 0;
  const reader = await DeadLetterQueueReader.open(connection, options.queue, options.shape);
  try {
    for await (const { entry } of reader.scan()) {
      scanned += 1;
      if (!matchesFilter(entry, filter, now)) continue;
      summary.add(entry);
      if (entries.length < limit) entries.push(entry);
    }
  } finally {
    await reader.release();
  }
  return {
    queue: options.queue,
    scanned,
    matched: summary.total,
    counts: summary.rows(),
    byTenant: summary.byTenant(),
    byCategory: summary.byCategory(),
    entries,
  };
}
