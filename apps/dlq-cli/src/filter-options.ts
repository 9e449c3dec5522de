import { DeadLetterFilter, parseDuration } from '@lib/messaging/dead-letter-ops';
import { Command, InvalidArgumentError } from 'commander';

export interface FilterFlags {
  tenant?: string;
  category?: string;
  messageId?: string;
  olderThan?: number;
  limit?: number;
  json?: boolean;
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return parsed;
}

function duration(value: string): number {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new InvalidArgumentError('must be a duration such as 90s, 30m, 1h, 2d or 1h30m');
  return parsed;
}

/** The filter flags shared by `list` and `replay`. */
export function withFilterFlags(command: Command, limitHelp: string): Command {
  return command
    .option('--tenant <tenantId>', 'only entries of this tenant')
    .option('--category <category>', 'only entries of this error category (e.g. WINDOW_EXPIRED)')
    .option('--message-id <messageId>', "only the entries with this message id (the service's id of the message)")
    .option('--older-than <duration>', 'only entries dead-lettered at least this long ago (90s, 30m, 1h, 2d)', duration)
    .option('--limit <n>', limitHelp, positiveInteger)
    .option('--json', 'print JSON instead of tables');
}

export function filterOf(flags: FilterFlags): DeadLetterFilter {
  return { tenantId: flags.tenant, category: flags.category, messageId: flags.messageId, olderThanMs: flags.olderThan };
}
