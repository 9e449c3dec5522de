import { Options } from 'amqplib';
import { DeadLetterHeader } from '../outcome/dead-letter-publisher.service';
import { publisherPropertiesOf } from '../outcome/copied-properties';
import { DeliveryHeader } from '../outcome/delivery-headers';
import { RawDeadLetter } from './dead-letter-entry';
import { ReplayHeader } from './replay-headers';

/**
 * Headers a replay removes so the message starts afresh: the retry bookkeeping (a kept `x-attempts`
 * would spend the new attempts budget, a kept `x-first-seen-at` would expire it at once), the
 * previous failure's reason (a new failure writes its own), and the broker's dead-letter history.
 */
const RESET_HEADERS = new Set<string>([...Object.values(DeliveryHeader), ...Object.values(DeadLetterHeader), 'x-last-error-code']);
const BROKER_HEADER_PREFIXES = ['x-death', 'x-first-death-', 'x-last-death-'];

/**
 * The properties to republish a dead-lettered message with: its own properties and upstream's
 * headers kept, the delivery state reset, and the replay recorded. The body is republished as is.
 */
export function replayProperties(message: RawDeadLetter, category: string, now: Date): Options.Publish {
  const original: Record<string, unknown> = message.properties.headers ?? {};
  const kept = Object.fromEntries(
    Object.entries(original).filter(
      ([name]) => !RESET_HEADERS.has(name) && !BROKER_HEADER_PREFIXES.some((prefix) => name.startsWith(prefix)),
    ),
  );
  const previousCount = Number(original[ReplayHeader.COUNT]);
  const headers = {
    ...kept,
    [ReplayHeader.COUNT]: (Number.isInteger(previousCount) && previousCount >= 0 ? previousCount : 0) + 1,
    [ReplayHeader.AT]: now.toISOString(),
    [ReplayHeader.FROM_CATEGORY]: category,
  };
  return { ...publisherPropertiesOf(message.properties), headers, persistent: true };
}
