import Redis from 'ioredis';
import { LineEntry, LineState } from './conversation-line';
import { RedisScript } from './redis-script';

/**
 * A conversation's line in Redis: a list of message ids in join order, and a hash of each one's place
 * (`s|startedAt` while it is sent, `w|joinedAt` while it waits in a replica, `p|dueAt` while it is
 * parked). Both keys carry the conversation as a hash tag, so a cluster keeps them in one slot. Each
 * write keeps both keys at least until the place it wrote lapses.
 */
export const conversationLineKeys = (prefix: string, conversation: string): [string, string] => {
  const line = `${prefix}line:{${conversation}}`;
  return [line, `${line}:at`];
};

const STATES: Record<string, LineState> = { s: 'sending', w: 'waiting', p: 'parked' };

const KEEP_KEYS = `
local function keep(ms)
  for _, key in ipairs(KEYS) do
    if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
  end
end
`;

/**
 * KEYS: line, places. ARGV: messageId, now, staleMs. Drops lapsed places from the head; then gives the turn to
 * the head (joining an empty line first), or joins the message at the tail (if it has no place yet) and answers
 * {0, head, the head's place, messages ahead of it}.
 */
const ENTER_SCRIPT = new RedisScript(
  `${KEEP_KEYS}
local now, stale = tonumber(ARGV[2]), tonumber(ARGV[3])
local head, place
while true do
  head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  place = redis.call('HGET', KEYS[2], head)
  if place and tonumber(string.sub(place, 3)) + stale >= now then break end
  redis.call('LPOP', KEYS[1])
  redis.call('HDEL', KEYS[2], head)
end
if not head or head == ARGV[1] then
  if not head then redis.call('RPUSH', KEYS[1], ARGV[1]) end
  redis.call('HSET', KEYS[2], ARGV[1], 's|' .. ARGV[2])
  keep(stale)
  return {1}
end
local at
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  at = redis.call('RPUSH', KEYS[1], ARGV[1]) - 1
  redis.call('HSET', KEYS[2], ARGV[1], 'w|' .. ARGV[2])
  keep(stale)
else
  at = redis.call('LPOS', KEYS[1], ARGV[1]) or 0
end
return {0, head, place, at}`,
  2,
);

/** KEYS: line, places. ARGV: messageId, now, dueAt, staleMs. Marks the message parked until dueAt, joining the tail if it has no place. */
const PARK_SCRIPT = new RedisScript(
  `${KEEP_KEYS}
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], 'p|' .. ARGV[3])
keep(tonumber(ARGV[3]) + tonumber(ARGV[4]) - tonumber(ARGV[2]))
return 1`,
  2,
);

/** KEYS: line, places. ARGV: messageId. */
const LEAVE_SCRIPT = new RedisScript(
  `
if redis.call('HDEL', KEYS[2], ARGV[1]) == 1 then redis.call('LREM', KEYS[1], 1, ARGV[1]) end
return 1`,
  2,
);

export async function enterInRedis(
  redis: Redis,
  keys: [string, string],
  messageId: string,
  now: number,
  staleMs: number,
): Promise<LineEntry> {
  const answer = (await ENTER_SCRIPT.run(redis, [...keys, messageId, now, staleMs])) as [number, string?, string?, number?];
  const [turn, head, place, ahead] = answer;
  if (turn === 1) return { turn: true };
  return { turn: false, ahead: { messageId: head!, state: STATES[place![0]], dueAt: Number(place!.slice(2)) }, place: ahead! };
}

export async function parkInRedis(redis: Redis, keys: [string, string], messageId: string, now: number, dueAt: number, staleMs: number) {
  await PARK_SCRIPT.run(redis, [...keys, messageId, now, dueAt, staleMs]);
}

export async function leaveInRedis(redis: Redis, keys: [string, string], messageId: string) {
  await LEAVE_SCRIPT.run(redis, [...keys, messageId]);
}
