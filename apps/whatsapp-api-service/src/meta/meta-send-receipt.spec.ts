import { META_MESSAGE_STATUSES, sendReceiptOf, storedSendReceiptOf } from './meta-send-receipt';

const WAMID = 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA';
const answer = (message: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
  messages: [message],
});

describe(sendReceiptOf.name, () => {
  it("takes the wamid of Meta's usual answer", () => {
    expect(sendReceiptOf(answer({ id: WAMID }), true)).toEqual({ wamid: WAMID, messageStatus: null, reason: null });
  });

  it.each(META_MESSAGE_STATUSES)('reports a paced template send answered with message_status %s', (status) => {
    expect(sendReceiptOf(answer({ id: WAMID, message_status: status }), true)).toEqual({
      wamid: WAMID,
      messageStatus: status,
      reason: null,
    });
  });

  it.each([
    ['a null body', null, 'body null'],
    ['messaging_product alone', { messaging_product: 'whatsapp' }, 'no messages'],
    ['an empty messages array', { messaging_product: 'whatsapp', messages: [] }, 'no usable messages[0].id'],
    ['an id that is not a string', answer({ id: 42 }), 'no usable messages[0].id'],
    ['an id with characters no wamid has', answer({ id: 'wamid.x"><script>' }), 'no usable messages[0].id'],
    ['a text body', 'OK', 'body not JSON'],
  ])('records %s as a send with an unknown wamid and says why', (_kind, body, missing) => {
    expect(sendReceiptOf(body, true)).toEqual({
      wamid: null,
      messageStatus: null,
      reason: `Meta's 2xx answer carried no message id (${missing}); the message was sent, its wamid is unknown`,
    });
  });

  it('expects no wamid for a mark-as-read', () => {
    expect(sendReceiptOf({ success: true }, false)).toEqual({ wamid: null, messageStatus: null, reason: null });
  });

  it('passes on a later message_status of the documented shape, and nothing else', () => {
    expect(sendReceiptOf(answer({ id: WAMID, message_status: 'queued_for_review' }), true).messageStatus).toBe('queued_for_review');
    expect(sendReceiptOf(answer({ id: WAMID, message_status: 'Paused; see https://x' }), true).messageStatus).toBeNull();
    expect(sendReceiptOf(answer({ id: WAMID, message_status: { value: 'paused' } }), true).messageStatus).toBeNull();
  });
});

describe(storedSendReceiptOf.name, () => {
  it('gives back the receipt this service stored', () => {
    const receipt = { wamid: WAMID, messageStatus: 'paused', reason: null };
    expect(storedSendReceiptOf(JSON.parse(JSON.stringify(receipt)))).toEqual(receipt);
  });

  it('reads the bare wamid, or the empty text, earlier versions stored', () => {
    expect(storedSendReceiptOf(WAMID)).toEqual({ wamid: WAMID, messageStatus: null, reason: null });
    expect(storedSendReceiptOf('')).toEqual({ wamid: null, messageStatus: null, reason: null });
  });

  it('still reports a send whose record cannot be read, with the reason', () => {
    expect(storedSendReceiptOf('{"wamid":')).toEqual({
      wamid: null,
      messageStatus: null,
      reason: expect.stringMatching(/could not be read/),
    });
  });
});
