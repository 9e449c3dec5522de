import { Options } from 'amqplib';
import { publisherHeadersOf, publisherPropertiesOf } from '../outcome/copied-properties';
import { ServiceHeaders } from '../outcome/delivery-headers';
import { RawDeadLetter } from './dead-letter-entry';
import { DeadLetterShape } from './dead-letter-shape';
import { ReplayHeader } from './replay-headers';

/**
 * The properties to republish a dead-lettered message with: its own properties and upstream's
 * headers kept, the delivery state reset, every header of the service's own (the shape names its ids)
 * dropped, and the replay recorded. The body is republished as is.
 */
export function replayProperties(
  message: RawDeadLetter,
  category: string,
  now: Date,
  shape: Pick<DeadLetterShape, 'messageIdHeader' | 'traceIdHeader'>,
): Options.Publish {
  const original: Record<string, unknown> = message.properties.headers ?? {};
  const previousCount = Number(original[ReplayHeader.COUNT]);
  // The delivery state starts afresh (a kept `x-attempts` would spend the new budget, a kept
  // `x-first-seen-at` would expire it at once) and a new failure writes its own reason.
  const headers = {
    ...publisherHeadersOf(message.properties, new ServiceHeaders({ messageId: shape.messageIdHeader, traceId: shape.traceIdHeader })),
    [ReplayHeader.COUNT]: (Number.isInteger(previousCount) && previousCount >= 0 ? previousCount : 0) + 1,
    [ReplayHeader.AT]: now.toISOString(),
    [ReplayHeader.FROM_CATEGORY]: category,
  };
  return { ...publisherPropertiesOf(message.properties), headers, persistent: true };
}
