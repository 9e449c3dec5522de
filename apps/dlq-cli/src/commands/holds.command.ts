import { AccountHold, readAccountHolds } from '@lib/resilience';
import { CliIo } from '../cli-io';
import { DlqRedisSettings } from '../config/dlq-redis-settings';
import { ExitCode } from '../dlq-errors';
import { ageOf } from '../output/entry-format';
import { textTable } from '../output/text-table';
import { connectToRedis } from '../redis-connection';

export interface HoldsFlags {
  limit?: number;
  json?: boolean;
}

/** `holds`: the tenants whose WhatsApp account the service holds, oldest first, read from its Redis. */
export async function holdsCommand(settings: DlqRedisSettings, connectTimeoutMs: number, flags: HoldsFlags, io: CliIo): Promise<number> {
  const redis = await connectToRedis(settings.url, connectTimeoutMs);
  try {
    const { total, holds } = await readAccountHolds(redis, settings.keyPrefix, flags.limit ?? 20);
    if (flags.json) io.out(JSON.stringify({ keyPrefix: settings.keyPrefix, total, holds: holds.map(holdJson) }, null, 2));
    else io.out(holdsText(total, holds, settings.keyPrefix, new Date()));
    return ExitCode.OK;
  } finally {
    redis.disconnect();
  }
}

export function holdJson(hold: AccountHold) {
  return {
    tenantId: hold.tenantId,
    code: hold.code,
    reason: printable(hold.reason),
    since: new Date(hold.since).toISOString(),
    nextProbeAt: new Date(hold.nextProbeAt).toISOString(),
    probeIntervalMs: hold.probeIntervalMs,
  };
}

function holdsText(total: number, holds: AccountHold[], keyPrefix: string, now: Date): string {
  if (total === 0) return `no tenant on account hold (key prefix ${keyPrefix})`;
  const lines = [
    `${total} tenant${total === 1 ? '' : 's'} on account hold (key prefix ${keyPrefix})`,
    '',
    textTable(
      ['TENANT', 'CODE', 'SINCE', 'NEXT PROBE', 'REASON'],
      holds.map((hold) => [
        hold.tenantId,
        String(hold.code),
        ageOf(new Date(hold.since).toISOString(), now),
        untilOf(hold.nextProbeAt, now),
        printable(hold.reason),
      ]),
      120,
    ),
  ];
  if (holds.length < total) lines.push(`(first ${holds.length} of ${total}; --limit shows more)`);
  return lines.join('\n');
}

/** `in 4h`-style wait until an epoch time, rounded up in the largest unit; `due` once it has passed. */
function untilOf(epochMs: number, now: Date): string {
  const seconds = Math.round((epochMs - now.getTime()) / 1000);
  if (seconds <= 0) return 'due';
  const [amount, unit] =
    seconds >= 86_400
      ? [seconds / 86_400, 'd']
      : seconds >= 3600
        ? [seconds / 3600, 'h']
        : seconds >= 60
          ? [seconds / 60, 'm']
          : [seconds, 's'];
  return `in ${Math.ceil(amount)}${unit}`;
}

/** Meta's text as stored, with control characters shown as spaces so a terminal cannot be steered by them. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
