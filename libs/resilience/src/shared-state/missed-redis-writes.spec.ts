import Redis from 'ioredis';
import { MissedRedisWrites } from './missed-redis-writes';
import { RedisConnection } from './redis-connection.service';

function setup(max = 3) {
  let available!: () => void;
  const client = {} as Redis;
  const commandFailed = jest.fn();
  const redis = {
    client,
    available: true,
    onAvailable: (listener: () => void) => (available = listener),
    commandFailed,
  } as unknown as RedisConnection;
  const written: [string, string][] = [];
  let fail = false;
  const writes = new MissedRedisWrites<string>(redis, max, async (to, value, key) => {
    expect(to).toBe(client);
    if (fail) throw new Error('Connection is closed.');
    written.push([key, value]);
  });
  const replay = async () => {
    available();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { writes, redis, commandFailed, written, replay, failWrites: (on: boolean) => (fail = on) };
}

describe(MissedRedisWrites.name, () => {
  it('writes each key once with its latest value when Redis is available again, oldest first', async () => {
    const { writes, written, replay } = setup();
    writes.keep('a', '1');
    writes.keep('b', '1');
    writes.keep('a', '2');
    await replay();
    expect(written).toEqual([
      ['b', '1'],
      ['a', '2'],
    ]);
    await replay();
    expect(written).toHaveLength(2);
  });

  it('drops the oldest key beyond its maximum', async () => {
    const { writes, written, replay } = setup(2);
    writes.keep('a', '1');
    writes.keep('b', '1');
    writes.keep('c', '1');
    await replay();
    expect(written.map(([key]) => key)).toEqual(['b', 'c']);
  });

  it('keeps a write Redis refused again for its next return, and reports the failure to the connection', async () => {
    const { writes, commandFailed, written, replay, failWrites } = setup();
    writes.keep('a', '1');
    failWrites(true);
    await replay();
    expect(commandFailed).toHaveBeenCalledWith('Connection is closed.');
    failWrites(false);
    await replay();
    expect(written).toEqual([['a', '1']]);
  });

  it('tries a write that failed on a connection that stayed up again half a second later', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { writes, written, replay, failWrites } = setup();
      writes.keep('a', '1');
      failWrites(true);
      await replay();
      failWrites(false);
      await jest.advanceTimersByTimeAsync(500);
      expect(written).toEqual([['a', '1']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('leaves a retry to the next return while Redis is degraded', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { writes, redis, written, replay, failWrites } = setup();
      writes.keep('a', '1');
      failWrites(true);
      await replay();
      failWrites(false);
      (redis as { available: boolean }).available = false;
      await jest.advanceTimersByTimeAsync(500);
      expect(written).toEqual([]);
      await replay();
      expect(written).toEqual([['a', '1']]);
    } finally {
      jest.useRealTimers();
    }
  });
});
