import { liftInRedis } from '@lib/resilience';
import { CliIo } from '../cli-io';
import { DlqRedisSettings } from '../config/dlq-redis-settings';
import { ExitCode } from '../dlq-errors';
import { connectToRedis } from '../redis-connection';
import { holdJson } from './holds.command';

/**
 * `lift-hold <tenantId>`: ends a tenant's account hold at once, for when its account was fixed before
 * the next probe. Its waiting messages come back within their current wait (at most 15 min) and are
 * sent; if Meta still refuses the account, the first of them starts a new hold.
 */
export async function liftHoldCommand(
  settings: DlqRedisSettings,
  connectTimeoutMs: number,
  tenantId: string,
  flags: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const redis = await connectToRedis(settings.url, connectTimeoutMs);
  try {
    const lifted = await liftInRedis(redis, settings.keyPrefix, tenantId);
    if (!lifted) {
      io.err(`tenant '${tenantId}' is not on account hold (key prefix ${settings.keyPrefix})`);
      return ExitCode.FAILED;
    }
    io.out(
      flags.json
        ? JSON.stringify({ lifted: holdJson(lifted) }, null, 2)
        : `lifted the account hold of tenant '${tenantId}' (code ${lifted.code})`,
    );
    return ExitCode.OK;
  } finally {
    redis.disconnect();
  }
}
