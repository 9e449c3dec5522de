import { waitUntil } from '../../rabbitmq/broker-probe';
import { META_ERROR_CATALOG } from './meta-error-catalog';
import { RandomFaultMode, TRANSIENT_SERVER_ERRORS } from './meta-faults';
import { MetaGraphSimulator } from './meta-graph.simulator';

const NUMBER = { phoneNumberId: '106540352242922', accessTokens: ['EAAG-random'], messagesPerSecond: 100_000 };
/** A bound for calls the simulator answers; calls it leaves unanswered end when it stops. */
const ANSWER_TIMEOUT_MS = 10_000;

type Answer = { status: number; body: any } | 'timed out';

async function send(meta: MetaGraphSimulator, to: string, signal = AbortSignal.timeout(ANSWER_TIMEOUT_MS)): Promise<Answer> {
  try {
    const response = await fetch(`${meta.url}/v26.0/${NUMBER.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer EAAG-random', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } }),
      signal,
    });
    return { status: response.status, body: await response.json() };
  } catch {
    return 'timed out';
  }
}

async function run(mode: RandomFaultMode, calls: number): Promise<{ meta: MetaGraphSimulator; answers: Answer[] }> {
  const meta = new MetaGraphSimulator();
  await meta.start();
  meta.addPhoneNumber(NUMBER);
  meta.injectRandomFaults(mode);
  const answers: Answer[] = [];
  for (let i = 0; i < calls; i += 20) {
    const batch = Array.from({ length: Math.min(20, calls - i) }, (_, j) => {
      const to = `+49151${String(i + j).padStart(8, '0')}`;
      return { to, answer: send(meta, to) };
    });
    await waitUntil(`calls ${i + 1} to ${i + batch.length} received`, () => meta.requests.length === i + batch.length);
    // The client of a call the simulator leaves unanswered gives up now rather than wait for its timeout.
    const unanswered = new Set(meta.requests.filter((request) => request.status === 0).map((request) => request.body.to));
    answers.push(
      ...(await Promise.all(batch.map(({ to, answer }) => (unanswered.has(to) ? Promise.resolve<Answer>('timed out') : answer)))),
    );
  }
  return { meta, answers };
}

describe('MetaGraphSimulator random faults', () => {
  const started: MetaGraphSimulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((meta) => meta.stop()));
  });

  it('fails about the configured shares of calls with catalog 5xx answers and unanswered calls', async () => {
    const { meta, answers } = await run({ serverErrorRate: 0.2, timeoutRate: 0.05, seed: 11 }, 400);
    started.push(meta);
    const drawn = (fault: string) => meta.requests.filter((request) => request.randomFault === fault);
    expect(drawn('server-error').length).toBeGreaterThan(55);
    expect(drawn('server-error').length).toBeLessThan(105);
    expect(drawn('timeout').length).toBeGreaterThan(8);
    expect(drawn('timeout').length).toBeLessThan(35);
    expect(drawn('timeout').every((request) => request.status === 0 && !request.wamid)).toBe(true);
    expect(meta.accepted()).toHaveLength(400 - drawn('server-error').length - drawn('timeout').length);

    const serverErrors = answers.filter(
      (answer): answer is { status: number; body: any } => answer !== 'timed out' && answer.status >= 500,
    );
    expect(serverErrors.length).toBeGreaterThan(0);
    const codes = new Set(TRANSIENT_SERVER_ERRORS.map((key) => META_ERROR_CATALOG[key].code));
    for (const { status, body } of serverErrors) {
      expect(codes.has(body.error.code)).toBe(true);
      const spec = Object.values(META_ERROR_CATALOG).find((entry) => entry.code === body.error.code)!;
      expect(status).toBe(spec.httpStatus);
      expect(body.error).toMatchObject({ message: spec.message, type: spec.type });
      expect(body.error.fbtrace_id).toMatch(/^A[\w-]{22}$/);
    }
  });

  it('does not process a call it leaves unanswered', async () => {
    const { meta } = await run({ serverErrorRate: 0, timeoutRate: 1, seed: 3 }, 5);
    started.push(meta);
    expect(meta.requests).toHaveLength(5);
    expect(meta.requests.every((request) => request.randomFault === 'timeout' && request.status === 0 && !request.wamid)).toBe(true);
    expect(meta.accepted()).toHaveLength(0);
  });

  it('sends a late-accepted message and answers 200 with its WAMID after the client gave up', async () => {
    const meta = new MetaGraphSimulator();
    started.push(meta);
    await meta.start();
    meta.addPhoneNumber(NUMBER);
    meta.injectRandomFaults({ serverErrorRate: 0, timeoutRate: 0, lateAcceptRate: 1, lateAnswerMs: 300, seed: 5 });

    const giveUp = new AbortController();
    const impatient = send(meta, '+4915100000001', giveUp.signal);
    await waitUntil('the first call received', () => meta.requests.length === 1);
    giveUp.abort();
    expect(await impatient).toBe('timed out');
    const patient = await send(meta, '+4915100000002');

    expect(meta.accepted()).toHaveLength(2);
    expect(meta.accepted().every((request) => request.randomFault === 'late-accept' && request.wamid)).toBe(true);
    expect(patient).toMatchObject({ status: 200, body: { messages: [{ id: meta.accepted()[1].wamid }] } });
  });

  it('replays the same faults for the same seed', async () => {
    const first = await run({ serverErrorRate: 0.3, timeoutRate: 0.1, seed: 99 }, 60);
    const second = await run({ serverErrorRate: 0.3, timeoutRate: 0.1, seed: 99 }, 60);
    started.push(first.meta, second.meta);
    // Draws follow the order calls arrive in, whichever message each call carries.
    const faults = (meta: MetaGraphSimulator) => meta.requests.map((request) => request.randomFault ?? 'none');
    expect(faults(first.meta)).toEqual(faults(second.meta));
  });

  it('keeps the seeded sequence the fault suites were tuned on: one draw per call, a second one to pick the 5xx, none for a scripted fault', async () => {
    const meta = new MetaGraphSimulator();
    started.push(meta);
    await meta.start();
    meta.addPhoneNumber(NUMBER);
    meta.injectRandomFaults({ serverErrorRate: 0.3, timeoutRate: 0.1, lateAcceptRate: 0.1, lateAnswerMs: 0, seed: 2024 });
    // Scripted faults come first and take no draw.
    meta.inject('html-502', { match: { to: '+4915100000002' } });
    meta.inject('131049', { match: { to: '+4915100000008' } });
    // One call at a time, each received before the next leaves, so the draws follow the calls.
    for (let i = 0; i < 24; i += 1) {
      void send(meta, `+49151${String(i).padStart(8, '0')}`);
      await waitUntil(`call ${i + 1} recorded`, () => meta.requests.length === i + 1);
    }
    const drawn = meta.requests.map((request) => [request.randomFault ?? 'none', request.errorCode ?? request.status].join(' '));
    expect(drawn).toEqual([
      'none 200',
      'none 200',
      'none 502',
      ...Array<string>(4).fill('none 200'),
      'timeout 0',
      'none 200',
      'server-error 2',
      ...Array<string>(3).fill('none 200'),
      'late-accept 200',
      'server-error 2',
      'late-accept 200',
      'none 200',
      'server-error 131000',
      ...Array<string>(3).fill('none 200'),
      'server-error 133004',
      'server-error 2',
      'timeout 0',
    ]);
    expect(meta.asyncFailures.map((failure) => failure.recipientId)).toEqual(['4915100000008']);
  });

  it('stops failing after clearFaults and refuses rates above 1', async () => {
    const { meta } = await run({ serverErrorRate: 1, timeoutRate: 0, seed: 1 }, 2);
    started.push(meta);
    meta.clearFaults();
    expect(await send(meta, '+4915100000003')).toMatchObject({ status: 200 });
    expect(() => meta.injectRandomFaults({ serverErrorRate: 0.8, timeoutRate: 0.3, seed: 1 })).toThrow(/at most 1/);
  });
});
