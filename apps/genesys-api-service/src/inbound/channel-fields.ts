import { FieldReader, StringRule } from './field-reader';
import { parseIsoDateTime } from '@lib/contracts';

/** Ids Genesys and WhatsApp issue are far shorter; the bound keeps log lines and keys small. */
export const ID_RULE: StringRule = { max: 256 };

/** `channel.time`, required, sent in UTC as Genesys writes it (`yyyy-MM-ddTHH:mm:ss.mmmZ`). */
export function readChannelTime(channel: FieldReader): string | undefined {
  const time = channel.requiredString('time');
  if (time === undefined) return undefined;
  const epochMs = parseIsoDateTime(time);
  if (epochMs === undefined) return channel.report('time', 'must be an ISO-8601 date-time with a zone (Z or ±hh:mm)');
  return new Date(epochMs).toISOString();
}

/** The deprecated shape's `channel.platform` and `channel.type`: checked when given, never sent. */
export function checkLegacyChannel(channel: FieldReader): void {
  channel.oneOf('platform', ['Open'], false);
  channel.oneOf('type', ['Private'], false);
}
