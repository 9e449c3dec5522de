import { waitUntil } from '../../rabbitmq/broker-probe';
import { MetaGraphSimulator } from './meta-graph.simulator';

const NUMBER = { phoneNumberId: '106540352242922', accessTokens: ['EAAG-good'], messagesPerSecond: 100_000 };
const TEXT = { messaging_product: 'whatsapp', to: '+4915112345678', type: 'text', text: { body: 'hi' } };

interface Call {
  body?: unknown;
  token?: string;
  version?: string;
  phoneNumberId?: string;
}

async function call(
  meta: MetaGraphSimulator,
  { body = TEXT, token = 'EAAG-good', version = 'v26.0', phoneNumberId = NUMBER.phoneNumberId }: Call = {},
) {
  const response = await fetch(`${meta.url}/${version}/${phoneNumberId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const media = (type: string, content: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  to: '+4915112345678',
  type,
  [type]: content,
});
const interactive = (content: Record<string, unknown>) => media('interactive', content);

describe(MetaGraphSimulator.name, () => {
  let meta: MetaGraphSimulator;
  beforeEach(async () => {
    meta = new MetaGraphSimulator();
    await meta.start();
    meta.addPhoneNumber(NUMBER);
  });
  afterEach(() => meta.stop());

  describe('fault injection', () => {
    it('serves a scripted fault only to a request that passed the token check', async () => {
      meta.inject('131000');
      expect(await call(meta, { token: 'EAAG-wrong' })).toMatchObject({ status: 401, body: { error: { code: 190 } } });
      expect(await call(meta)).toMatchObject({ status: 500, body: { error: { code: 131000 } } });
      expect(await call(meta)).toMatchObject({ status: 200 });
    });

    it('serves a scripted fault only after the phone-number-id and body checks', async () => {
      meta.inject('timeout');
      expect(await call(meta, { phoneNumberId: '999' })).toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 33 } } });
      expect(await call(meta, { body: { ...TEXT, text: {} } })).toMatchObject({ status: 400, body: { error: { code: 131008 } } });
      expect(meta.requests.map((request) => request.status)).toEqual([400, 400]);
    });

    it('draws random faults only for requests that passed every check', async () => {
      meta.injectRandomFaults({ serverErrorRate: 1, timeoutRate: 0, seed: 1 });
      expect(await call(meta, { token: 'EAAG-wrong' })).toMatchObject({ status: 401, body: { error: { code: 190 } } });
      expect(await call(meta, { body: { ...TEXT, messaging_product: 'sms' } })).toMatchObject({
        status: 400,
        body: { error: { code: 100 } },
      });
      expect((await call(meta)).status).toBeGreaterThanOrEqual(500);
    });

    it('sends the message of a scripted late fault although the client gave up waiting for the answer', async () => {
      meta.inject({ kind: 'late', afterMs: 30_000 });
      const giveUp = new AbortController();
      const answer = fetch(`${meta.url}/v26.0/${NUMBER.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer EAAG-good', 'content-type': 'application/json' },
        body: JSON.stringify(TEXT),
        signal: giveUp.signal,
      });
      await waitUntil('the call received', () => meta.requests.length === 1);
      giveUp.abort();
      await expect(answer).rejects.toThrow();
      expect(meta.accepted()).toEqual([expect.objectContaining({ status: 200, wamid: expect.stringMatching(/^wamid\./) })]);
    });

    it('answers normally after a scripted latency', async () => {
      meta.inject({ kind: 'latency', ms: 20 }, { match: (request) => request.to === TEXT.to });
      expect(await call(meta)).toMatchObject({ status: 200, body: { messages: [{ id: expect.stringMatching(/^wamid\./) }] } });
      expect(meta.accepted()).toHaveLength(1);
    });

    it('replaces the random fault mode with the next one and keeps the scripted faults', async () => {
      meta.inject('131026');
      meta.injectRandomFaults({ serverErrorRate: 1, timeoutRate: 0, seed: 1 });
      meta.injectRandomFaults({ serverErrorRate: 0, timeoutRate: 0, seed: 1 });
      expect(await call(meta)).toMatchObject({ status: 400, body: { error: { code: 131026 } } });
      expect(await call(meta)).toMatchObject({ status: 200 });
    });

    it('keeps the random fault mode in force when a new one is refused', async () => {
      meta.injectRandomFaults({ serverErrorRate: 1, timeoutRate: 0, seed: 1 });
      expect(() => meta.injectRandomFaults({ serverErrorRate: 0.8, timeoutRate: 0.3, seed: 1 })).toThrow(/at most 1/);
      expect((await call(meta)).status).toBeGreaterThanOrEqual(500);
    });
  });

  describe('body limits', () => {
    it.each([
      ['a text body over 4,096 characters', { ...TEXT, text: { body: 'x'.repeat(4097) } }, 131009, 'text[body]'],
      ['a caption over 1,024 characters', media('image', { id: '1', caption: 'x'.repeat(1025) }), 131009, 'image[caption]'],
      ['an interactive button without body', interactive({ type: 'button', action: { buttons: [] } }), 131008, 'interactive[body]'],
      [
        'an interactive list without body',
        interactive({ type: 'list', action: { button: 'b', sections: [] } }),
        131008,
        'interactive[body]',
      ],
      ['media with both id and link', media('video', { id: '1', link: 'https://cdn.example.com/v.mp4' }), 131009, 'video[id]'],
      ['a media link that is not http(s)', media('document', { link: 'ftp://cdn.example.com/a.pdf' }), 131009, 'document[link]'],
      ['a media link that is not a URL', media('audio', { link: 'cdn.example.com/a.ogg' }), 131009, 'audio[link]'],
      [
        'a header media link that is not http(s)',
        interactive({ type: 'button', header: { type: 'image', image: { link: 'file:///x' } }, body: { text: 'b' }, action: {} }),
        131009,
        'interactive[header][image][link]',
      ],
    ])('refuses %s', async (_name, body, code, parameter) => {
      const answer = await call(meta, { body });
      expect(answer).toMatchObject({ status: 400, body: { error: { code, error_data: { messaging_product: 'whatsapp' } } } });
      expect(answer.body.error.error_data.details).toContain(parameter);
    });

    it.each([
      ['a text body of exactly 4,096 characters', { ...TEXT, text: { body: 'x'.repeat(4096) } }],
      ['a caption of exactly 1,024 characters', media('image', { link: 'https://cdn.example.com/a.png', caption: 'x'.repeat(1024) })],
      ['a product message without body', interactive({ type: 'product', action: { catalog_id: '1', product_retailer_id: 'p' } })],
      [
        'an order status message',
        interactive({ type: 'order_status', body: { text: 'b' }, action: { name: 'review_order', parameters: {} } }),
      ],
      [
        'an order details message',
        interactive({ type: 'order_details', body: { text: 'b' }, action: { name: 'review_and_pay', parameters: {} } }),
      ],
    ])('accepts %s', async (_name, body) => {
      expect(await call(meta, { body })).toMatchObject({ status: 200 });
    });
  });

  describe('versions', () => {
    it('refuses a version it was not configured with as Graph refuses an unknown path', async () => {
      const answer = await call(meta, { version: 'v99.0' });
      expect(answer).toMatchObject({
        status: 400,
        body: { error: { code: 2500, type: 'OAuthException', message: `Unknown path components: /${NUMBER.phoneNumberId}/messages` } },
      });
      expect(answer.headers.get('www-authenticate')).toContain('invalid_request');
      expect(meta.accepted()).toHaveLength(0);
    });

    it('accepts the versions it is given', async () => {
      const pinned = new MetaGraphSimulator({ apiVersions: ['v23.0'] });
      await pinned.start();
      pinned.addPhoneNumber(NUMBER);
      try {
        expect(await call(pinned, { version: 'v23.0' })).toMatchObject({ status: 200 });
        expect(await call(pinned, { version: 'v26.0' })).toMatchObject({ status: 400, body: { error: { code: 2500 } } });
      } finally {
        await pinned.stop();
      }
    });
  });

  describe('mark as read', () => {
    const read = (messageId: string) => ({ messaging_product: 'whatsapp', status: 'read', message_id: messageId });

    it('answers 131009 for a wamid it never issued', async () => {
      expect(await call(meta, { body: read('wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMxRjVBQTRCNQA=') })).toMatchObject({
        status: 400,
        body: { error: { code: 131009 } },
      });
    });

    it('marks a message the number received as read', async () => {
      const wamid = meta.receiveUserMessage(NUMBER.phoneNumberId, '+4915112345678');
      expect(await call(meta, { body: { ...read(wamid), typing_indicator: { type: 'text' } } })).toEqual(
        expect.objectContaining({ status: 200, body: { success: true } }),
      );
    });

    it('refuses a message another number received, or one received more than 30 days ago', async () => {
      expect(await call(meta, { body: read(meta.receiveUserMessage('106540352242999', '+4915112345678')) })).toMatchObject({
        body: { error: { code: 131009 } },
      });
      const old = meta.receiveUserMessage(NUMBER.phoneNumberId, '+4915112345678', { receivedAt: Date.now() - 31 * 86_400_000 });
      expect(await call(meta, { body: read(old) })).toMatchObject({ body: { error: { code: 131009 } } });
    });
  });

  it('counts the pair rate limit per normalised wa_id, however the number is written', async () => {
    const spellings = ['+4915112345678', '4915112345678', '+49 151 1234 5678', '+49-151-12345678'];
    const answers = [];
    for (let i = 0; i < 46; i += 1) answers.push(await call(meta, { body: { ...TEXT, to: spellings[i % spellings.length] } }));
    expect(answers.slice(0, 45).every((answer) => answer.status === 200)).toBe(true);
    expect(answers[45]).toMatchObject({ status: 400, body: { error: { code: 131056 } } });
    expect(answers[1].body.contacts).toEqual([{ input: '4915112345678', wa_id: '4915112345678' }]);
  });

  it.each(['131049', '131050'] as const)('answers an injected %s with 200 and records the failure for the status webhook', async (key) => {
    meta.inject(key);
    const answer = await call(meta);
    expect(answer).toMatchObject({ status: 200, body: { messages: [{ id: expect.stringMatching(/^wamid\./) }] } });
    expect(meta.asyncFailures).toEqual([
      {
        wamid: answer.body.messages[0].id,
        phoneNumberId: NUMBER.phoneNumberId,
        recipientId: '4915112345678',
        error: expect.objectContaining({ code: Number(key), title: expect.any(String), error_data: { details: expect.any(String) } }),
      },
    ]);
    expect(meta.accepted()).toHaveLength(1);
  });
});
