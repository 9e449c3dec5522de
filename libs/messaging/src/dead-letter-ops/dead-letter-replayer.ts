import { ChannelModel } from 'amqplib';
import { ConfirmedPublisher } from './confirmed-publisher';
import { DeadLetterEntry } from './dead-letter-entry';
import { DeadLetterFilter, matchesFilter } from './dead-letter-filter';
import { DeadLetterQueueReader, HeldDeadLetter } from './dead-letter-queue-reader';
import { DeadLetterShape } from './dead-letter-shape';
import { replayProperties } from './replay-properties';

export interface ReplayOptions {
  /** The dead-letter queue to replay from. */
  queue: string;
  /** The exchange the service's publishers send to; each entry goes back with its original routing key. */
  exchange: string;
  /** How the service that owns the queue writes its dead letters. */
  shape: DeadLetterShape;
  filter?: DeadLetterFilter;
  /** Most entries to replay; default all that match. */
  limit?: number;
  /** Select and report, publish and remove nothing. */
  dryRun?: boolean;
  /** Longest wait for the broker to confirm one republish. Default 10 s. */
  confirmTimeoutMs?: number;
  /**
   * Republishes awaiting their confirm at once. Default 100: a persistent message is confirmed once
   * on disk, so one at a time would cost a disk sync per message.
   */
  maxInFlight?: number;
  /** Aborting stops after the entry being replayed; everything not yet replayed stays in the queue. */
  signal?: AbortSignal;
  /** Asked once the selection is known, before anything is published; false leaves every entry where it is. */
  confirm?: (selected: DeadLetterEntry[]) => Promise<boolean>;
  now?: () => Date;
}

export interface ReplayReport {
  queue: string;
  exchange: string;
  dryRun: boolean;
  scanned: number;
  /** Entries chosen for replay (what a dry run would replay). */
  selected: DeadLetterEntry[];
  /** Entries republished, confirmed and removed from the dead-letter queue. */
  replayed: DeadLetterEntry[];
  /** Matching entries left in the queue because they name no routing key to replay with. */
  notReplayable: DeadLetterEntry[];
  /** The first entry whose republish failed; it and every entry not replayed stay in the queue. */
  failure?: { entry: DeadLetterEntry; error: string };
  /** The operator declined at the confirmation. */
  declined: boolean;
  interrupted: boolean;
}

/**
 * Republishes matching dead-letter entries to `exchange` with their original routing key and a fresh
 * delivery state. An entry leaves the dead-letter queue only after the broker confirmed its copy, so
 * a failure or an interruption at any point leaves it there; the worst case, a crash between the
 * confirm and the removal, leaves a copy in both places (the service's delivery ledger then keeps a
 * message already sent from being sent twice); with several republishes in flight, up to
 * `maxInFlight` entries can be left so. No new republish starts after one failed.
 */
export async function replayDeadLetters(connection: ChannelModel, options: ReplayOptions): Promise<ReplayReport> {
  const now = options.now ?? (() => new Date());
  const report: ReplayReport = {
    queue: options.queue,
    exchange: options.exchange,
    dryRun: options.dryRun ?? false,
    scanned: 0,
    selected: [],
    replayed: [],
    notReplayable: [],
    declined: false,
    interrupted: false,
  };
  const reader = await DeadLetterQueueReader.open(connection, options.queue, options.shape);
  let publisher: ConfirmedPublisher | undefined;
  try {
    const held = await select(reader, options, report, now());
    if (report.interrupted || report.dryRun || held.length === 0) return report;
    if (options.confirm && !(await options.confirm(report.selected))) {
      report.declined = true;
      return report;
    }
    publisher = await ConfirmedPublisher.open(connection, options.confirmTimeoutMs ?? 10_000);
    await republish(held, publisher, reader, options, report, now);
    return report;
  } finally {
    await publisher?.close();
    await reader.release();
  }
}

async function select(reader: DeadLetterQueueReader, options: ReplayOptions, report: ReplayReport, now: Date): Promise<HeldDeadLetter[]> {
  const held: HeldDeadLetter[] = [];
  const limit = options.limit ?? Infinity;
  for await (const item of reader.scan()) {
    report.scanned += 1;
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    if (!matchesFilter(item.entry, options.filter ?? {}, now)) continue;
    if (!item.entry.originalRoutingKey) {
      report.notReplayable.push(item.entry);
      continue;
    }
    held.push(item);
    report.selected.push(item.entry);
    if (held.length >= limit) break;
  }
  return held;
}

/** Keeps up to `maxInFlight` republishes unconfirmed; stops issuing new ones at the first failure or on abort. */
async function republish(
  held: HeldDeadLetter[],
  publisher: ConfirmedPublisher,
  reader: DeadLetterQueueReader,
  options: ReplayOptions,
  report: ReplayReport,
  now: () => Date,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const failures: NonNullable<ReplayReport['failure']>[] = [];
  for (const item of held) {
    if (failures.length > 0) break;
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    const { entry, message } = item;
    const settled: Promise<void> = publisher
      .publish(
        options.exchange,
        entry.originalRoutingKey!,
        message.content,
        replayProperties(message, entry.category, now(), options.shape),
      )
      .then(
        () => {
          try {
            reader.remove(item);
            report.replayed.push(entry);
          } catch (error) {
            failures.push({
              entry,
              error: `republished, but could not be removed from the queue (it is now in both): ${(error as Error).message}`,
            });
          }
        },
        (error: Error) => void failures.push({ entry, error: error.message }),
      )
      .finally(() => inFlight.delete(settled));
    inFlight.add(settled);
    if (inFlight.size >= (options.maxInFlight ?? 100)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  report.replayed.sort((a, b) => a.position - b.position);
  report.failure = failures.sort((a, b) => a.entry.position - b.entry.position)[0];
}
