import type Redis from 'ioredis';
import { AccountHold, AccountRefusal, HOLD_IDLE_TTL_MS, holdFromFields, HoldAdmission, waitUntil } from './account-hold';
import { RedisScript } from './redis-script';

/**
 * Account holds in Redis: one hash per held tenant, and a sorted set of the held tenants by start time
 * so that readiness and the dead-letter tool list them without scanning. Every change is one Lua
 * script, so replicas agree on who probes and when. Kept free of Nest so the tool can use it too.
 */
export const accountHoldKeys = (prefix: string, tenantId: string) => ({
  hold: `${prefix}account-hold:${tenantId}`,
  index: `${prefix}account-holds`,
});

/** KEYS: hold, index. ARGV: tenantId, code, reason, now, interval, idle TTL. Answers {started, fields}. */
const HOLD_SCRIPT = new RedisScript(
  `
local now = tonumber(ARGV[4])
local interval = tonumber(ARGV[5])
local started = redis.call('EXISTS', KEYS[1]) == 0
if started then
  redis.call('HSET', KEYS[1], 'since', ARGV[4], 'nextProbeAt', string.format('%d', now + interval))
else
  local nextProbeAt = math.min(tonumber(redis.call('HGET', KEYS[1], 'nextProbeAt')) or 0, now + interval)
  redis.call('HSET', KEYS[1], 'nextProbeAt', string.format('%d', nextProbeAt))
end
redis.call('HSET', KEYS[1], 'code', ARGV[2], 'reason', ARGV[3], 'probeIntervalMs', ARGV[5])
redis.call('PEXPIRE', KEYS[1], interval + tonumber(ARGV[6]))
redis.call('ZADD', KEYS[2], 'NX', redis.call('HGET', KEYS[1], 'since'), ARGV[1])
return {started and 1 or 0, redis.call('HGETALL', KEYS[1])}`,
  2,
);

/** KEYS: hold. ARGV: now, verdict wait, idle TTL. Answers {verdict, fields}; claims the probe when it is due. */
const ADMIT_SCRIPT = new RedisScript(
  `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {'clear', fields} end
local now = tonumber(ARGV[1])
if now < (tonumber(redis.call('HGET', KEYS[1], 'nextProbeAt')) or 0) then return {'wait', fields} end
local interval = tonumber(redis.call('HGET', KEYS[1], 'probeIntervalMs'))
redis.call('HSET', KEYS[1], 'nextProbeAt', string.format('%d', now + interval),
  'probeVerdictAt', string.format('%d', now + math.min(tonumber(ARGV[2]), interval)))
redis.call('PEXPIRE', KEYS[1], interval + tonumber(ARGV[3]))
return {'probe', redis.call('HGETALL', KEYS[1])}`,
  1,
);

/** KEYS: hold, index. ARGV: tenantId. Answers the fields the hold had. */
const LIFT_SCRIPT = new RedisScript(
  `
local fields = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return fields`,
  2,
);

export async function holdInRedis(
  redis: Redis,
  prefix: string,
  tenantId: string,
  refusal: AccountRefusal,
  now: number,
): Promise<{ hold: AccountHold; started: boolean }> {
  const keys = accountHoldKeys(prefix, tenantId);
  const [started, fields] = (await HOLD_SCRIPT.run(redis, [
    keys.hold,
    keys.index,
    tenantId,
    String(refusal.code),
    refusal.reason,
    now,
    refusal.probeIntervalMs,
    HOLD_IDLE_TTL_MS,
  ])) as [number, string[]];
  return { hold: parsed(tenantId, pairs(fields)), started: started === 1 };
}

export async function admitInRedis(
  redis: Redis,
  prefix: string,
  tenantId: string,
  now: number,
  verdictWaitMs: number,
): Promise<HoldAdmission> {
  const { hold: key } = accountHoldKeys(prefix, tenantId);
  const [verdict, fields] = (await ADMIT_SCRIPT.run(redis, [key, now, verdictWaitMs, HOLD_IDLE_TTL_MS])) as [string, string[]];
  if (verdict === 'clear') return { verdict: 'clear' };
  const hold = parsed(tenantId, pairs(fields));
  return verdict === 'probe' ? { verdict: 'probe', hold } : { verdict: 'wait', hold, until: waitUntil(hold, now) };
}

export async function liftInRedis(redis: Redis, prefix: string, tenantId: string): Promise<AccountHold | undefined> {
  const keys = accountHoldKeys(prefix, tenantId);
  const fields = (await LIFT_SCRIPT.run(redis, [keys.hold, keys.index, tenantId])) as string[];
  return fields.length > 0 ? holdFromFields(tenantId, pairs(fields)) : undefined;
}

export async function readAccountHold(redis: Redis, prefix: string, tenantId: string): Promise<AccountHold | undefined> {
  return holdFromFields(tenantId, await redis.hgetall(accountHoldKeys(prefix, tenantId).hold));
}

/** The oldest `limit` holds and how many there are; index entries whose hold expired are dropped on the way. */
export async function readAccountHolds(redis: Redis, prefix: string, limit: number): Promise<{ total: number; holds: AccountHold[] }> {
  const { index } = accountHoldKeys(prefix, '');
  const [total, tenantIds] = await Promise.all([redis.zcard(index), limit > 0 ? redis.zrange(index, 0, String(limit - 1)) : []]);
  const holds: AccountHold[] = [];
  let expired = 0;
  for (const tenantId of tenantIds) {
    const hold = await readAccountHold(redis, prefix, tenantId);
    if (hold) holds.push(hold);
    else expired += (await redis.zrem(index, tenantId)) > 0 ? 1 : 0;
  }
  return { total: total - expired, holds };
}

function pairs(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

function parsed(tenantId: string, fields: Record<string, string>): AccountHold {
  const hold = holdFromFields(tenantId, fields);
  if (!hold) throw new Error(`account hold of tenant '${tenantId}' is malformed in Redis`);
  return hold;
}
