import { CliIo } from './cli-io';
import { runDlq } from './dlq.program';

/** `holds` on the command line, without a Redis to reach; the e2e spec reads real holds. */
async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    interactive: false,
    ask: async () => 'n',
    interruptSignal: () => new AbortController().signal,
  };
  const code = await runDlq(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('runDlq holds and lift-hold (command line)', () => {
  it('is listed in the help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/holds \[options\]/);
    expect(out).toMatch(/lift-hold \[options\] <tenantId>/);
  });

  it.each([[['holds']], [['lift-hold', 'acme']]])('%j exits 2 and says where holds live when no Redis is named', async (argv) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain('REDIS_URL');
  });

  it.each([
    [['holds', '--redis-url', 'http://x'], 'must be a redis:// or rediss:// URL'],
    [['holds', '--redis-url', 'redis://127.0.0.1:6379', '--key-prefix', 'bad prefix'], 'REDIS_KEY_PREFIX must be 1-64'],
    [['holds', '--limit', '0'], "option '--limit <n>' argument '0' is invalid"],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('exits 2 on a malformed REDIS_URL in the environment, without echoing it', async () => {
    const { code, err } = await run(['holds'], { REDIS_URL: 'localhost:6379' });
    expect(code).toBe(2);
    expect(err).toContain('REDIS_URL must be a redis:// or rediss:// URL');
  });

  it('exits 3 with the password masked when Redis is unreachable', async () => {
    const { code, err } = await run(['holds', '--redis-url', 'redis://ops:s3cret@127.0.0.1:1', '--connect-timeout', '2000']);
    expect(code).toBe(3);
    expect(err).toContain('cannot connect to Redis at redis://ops:***@127.0.0.1:1');
    expect(err).not.toContain('s3cret');
  });
});
