import { CliIo } from './cli-io';
import { runDlq } from './dlq.program';

/** Runs the tool in process with captured output; nothing here reaches a broker. */
async function run(argv: string[], overrides: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDlq(argv, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: {},
    interactive: false,
    ask: async () => 'n',
    interruptSignal: () => new AbortController().signal,
    ...overrides,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('runDlq (command line)', () => {
  it('prints help and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: dlq');
    expect(out).toMatch(/list \[options\][\s\S]*show \[options\] <messageId>[\s\S]*replay \[options\]/);
    expect(out.replace(/\s+/g, ' ')).toContain(
      '--service <name> the egress service whose dead-letter queue and Redis to work on (choices: "whatsapp", "genesys", default: "whatsapp")',
    );
  });

  it.each([
    [['list', '--limit', '0'], "option '--limit <n>' argument '0' is invalid"],
    [['list', '--older-than', 'yesterday'], 'must be a duration'],
    [['list', '--bogus'], "unknown option '--bogus'"],
    [['show'], "missing required argument 'messageId'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['list', '--url', 'http://guest:guest@x'], 'must be an amqp:// or amqps:// URL'],
    [['--service', 'telegram', 'list'], "option '--service <name>' argument 'telegram' is invalid. Allowed choices are whatsapp, genesys."],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('refuses to replay without --yes when nobody can confirm', async () => {
    const { code, err } = await run(['replay', '--tenant', 'acme']);
    expect(code).toBe(2);
    expect(err).toContain('pass --yes');
  });

  it('exits 3 with the password masked when the broker is unreachable', async () => {
    const { code, err } = await run(['list', '--url', 'amqp://ops:s3cret@127.0.0.1:1/', '--connect-timeout', '2000']);
    expect(code).toBe(3);
    expect(err).toContain('cannot connect to RabbitMQ at amqp://ops:***@127.0.0.1:1/');
    expect(err).not.toContain('s3cret');
  });

  it('exits 2 on malformed broker settings in the environment', async () => {
    const { code, err } = await run(['list'], { env: { RABBITMQ_PORT: 'x' } });
    expect(code).toBe(2);
    expect(err).toContain('RABBITMQ_PORT');
  });

  it('prints nothing a terminal would act on, whatever the text it reports carries', async () => {
    const { code, err } = await run(['show\u001b[2J\u009b31m\r']);
    expect(code).toBe(2);
    expect(err).toContain("unknown command 'show\\u001b[2J\\u009b31m\\u000d'");
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point of the check
    expect(err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
