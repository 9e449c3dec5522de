import Redis from 'ioredis';
import { LineEntry, LineOrder, LinePlace, LineState } from './conversation-line';
import { RedisScript } from './redis-script';

/**
 * A conversation's line in Redis: a list of message ids, and a hash of each one's place: `g|until|publishedAt`
 * while it gathers at the head, `s|startedAt|publishedAt` while it is sent, `w|joinedAt|publishedAt` while it
 * waits in a replica, `p|dueAt|publishedAt` while it is parked (`publishedAt` left out when unknown). Both keys
 * carry the conversation as a hash tag, so a cluster keeps them in one slot. Each write keeps both keys at least
 * until the place it wrote lapses.
 */
export const conversationLineKeys = (prefix: string, conversation: string): [string, string] => {
  const line = `${prefix}line:{${conversation}}`;
  return [line, `${line}:at`];
};

const STATES: Record<string, LineState> = { g: 'gathering', s: 'sending', w: 'waiting', p: 'parked' };

const KEEP_KEYS = `
local function keep(ms)
  for _, key in ipairs(KEYS) do
    if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
  end
end
`;

/**
 * KEYS: line, places. ARGV: messageId, now, staleMs, publishedAt ('' if unknown), gatherMs. Drops lapsed places
 * from the head. A message without a place joins ahead of the first place not being sent (waiting, gathering
 * or parked) published after it, else at the tail; a gathering head it displaces waits behind it. At the head,
 * it gathers until `now + gatherMs` first if it asks to ({2, until}), then has the turn ({1}; asking with
 * gatherMs 0 ends a gathering early); behind it answers
 * {0, head, the head's place, messages ahead of it}.
 */
const ENTER_SCRIPT = new RedisScript(
  `${KEEP_KEYS}
local now, stale, pub, gather = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function due(p) return tonumber(string.match(p, '^%a|(%d+)')) end
local function published(p) return tonumber(string.match(p, '^%a|%d+|(%d+)$')) end
local function with(state, at) return state .. '|' .. at .. (pub and ('|' .. ARGV[4]) or '') end
local head, place
while true do
  head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  place = redis.call('HGET', KEYS[2], head)
  if place and due(place) + stale >= now then break end
  redis.call('LPOP', KEYS[1])
  redis.call('HDEL', KEYS[2], head)
end
local mine = redis.call('HGET', KEYS[2], ARGV[1])
if not mine then
  local before
  if pub then
    for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
      local other = redis.call('HGET', KEYS[2], id)
      local state = other and string.sub(other, 1, 1)
      local otherPub = other and published(other)
      if state ~= 's' and otherPub and otherPub > pub then before = id break end
    end
  end
  if before then
    redis.call('LINSERT', KEYS[1], 'BEFORE', before, ARGV[1])
    if before == head and string.sub(place, 1, 1) == 'g' then redis.call('HSET', KEYS[2], head, 'w' .. string.sub(place, 2)) end
  else
    redis.call('RPUSH', KEYS[1], ARGV[1])
  end
  mine = with('w', ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[1], mine)
  keep(stale)
  head = redis.call('LINDEX', KEYS[1], 0)
end
if head == ARGV[1] then
  local state = string.sub(mine, 1, 1)
  if state == 'g' and now < due(mine) and gather > 0 then return {2, due(mine)} end
  if state == 'w' and gather > 0 then
    redis.call('HSET', KEYS[2], ARGV[1], with('g', now + gather))
    keep(gather + stale)
    return {2, now + gather}
  end
  redis.call('HSET', KEYS[2], ARGV[1], with('s', ARGV[2]))
  keep(stale)
  return {1}
end
return {0, head, redis.call('HGET', KEYS[2], head), redis.call('LPOS', KEYS[1], ARGV[1]) or 0}`,
  2,
);

/**
 * KEYS: line, places. ARGV: messageId, now, dueAt, staleMs, publishedAt ('' if unknown). Marks the message parked
 * until dueAt, joining the tail if it has no place.
 */
const PARK_SCRIPT = new RedisScript(
  `${KEEP_KEYS}
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], 'p|' .. ARGV[3] .. (ARGV[5] ~= '' and ('|' .. ARGV[5]) or ''))
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
  order: LineOrder = {},
): Promise<LineEntry> {
  const args = [...keys, messageId, now, staleMs, order.publishedAt ?? '', order.gatherMs ?? 0];
  const [answer, head, place, ahead] = (await ENTER_SCRIPT.run(redis, args)) as [number, string | number, string?, number?];
  if (answer === 1) return { turn: true };
  if (answer === 2)
    return { turn: false, ahead: { messageId, state: 'gathering', dueAt: Number(head), publishedAt: order.publishedAt }, place: 0 };
  return { turn: false, ahead: { messageId: head as string, ...placeOf(place!) }, place: ahead! };
}

/** `w|123|100` → waiting, due 123, published 100; `p|123` → parked, due 123, publication unknown. */
function placeOf(value: string): LinePlace {
  const [state, dueAt, publishedAt] = value.split('|');
  return { state: STATES[state], dueAt: Number(dueAt), ...(publishedAt ? { publishedAt: Number(publishedAt) } : {}) };
}

export async function parkInRedis(
  redis: Redis,
  keys: [string, string],
  messageId: string,
  now: number,
  dueAt: number,
  staleMs: number,
  publishedAt?: number,
) {
  await PARK_SCRIPT.run(redis, [...keys, messageId, now, dueAt, staleMs, publishedAt ?? '']);
}

export async function leaveInRedis(redis: Redis, keys: [string, string], messageId: string) {
  await LEAVE_SCRIPT.run(redis, [...keys, messageId]);
}
