import { validateInboundReceipt } from '@lib/testing/simulators/genesys/open-messaging.validator';
import { Problems } from './field-reader';
import { isReceiptPayload, mapGenesysReceipt } from './genesys-receipt.mapper';

const GENESYS_MESSAGE_ID = '5a0f3c2b1d4e6f708192a3b4c5d6e7f8';
const INTEGRATION = '7b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

/** A receipt as upstream builds it from the agent's message the outbound webhook brought (`OpenNormalizedMessage`). */
const receipt = (fields: Record<string, unknown> = {}) => ({
  id: GENESYS_MESSAGE_ID,
  channel: {
    id: INTEGRATION,
    platform: 'Open',
    type: 'Private',
    to: { id: '919876543210', idType: 'Phone' },
    from: { id: INTEGRATION, idType: 'Opaque', nickname: 'Agent' },
    time: '2026-01-15T03:33:20.000Z',
  },
  type: 'Receipt',
  status: 'Delivered',
  isFinalReceipt: true,
  direction: 'Outbound',
  ...fields,
});

function map(payload: unknown) {
  const problems = new Problems();
  const mapped = mapGenesysReceipt(payload, problems);
  return { mapped, problems: problems.all };
}

function mapped(payload: unknown) {
  const result = map(payload);
  expect(result.problems).toEqual([]);
  return result.mapped!;
}

describe(mapGenesysReceipt.name, () => {
  it('recognises a receipt by its type', () => {
    expect(isReceiptPayload(receipt())).toBe(true);
    expect(isReceiptPayload({ type: 'Text' })).toBe(false);
    expect(isReceiptPayload({ channel: {} })).toBe(false);
    expect(isReceiptPayload('Receipt')).toBe(false);
    expect(isReceiptPayload(undefined)).toBe(false);
  });

  it("sends a Delivered receipt for the agent's message to its customer, and nothing else of the input", () => {
    expect(mapped(receipt())).toEqual({
      kind: 'receipt',
      messageType: 'receipt',
      customerId: '919876543210',
      integrationId: INTEGRATION,
      receipt: {
        id: GENESYS_MESSAGE_ID,
        channel: { to: { id: '919876543210', idType: 'Phone' }, time: '2026-01-15T03:33:20.000Z' },
        status: 'Delivered',
        isFinalReceipt: true,
      },
    });
  });

  it('sends a Failed receipt with its reasons, as the agent sees them', () => {
    const reasons = [{ code: 'GeneralError', message: 'Message undeliverable' }, { message: 'Re-engagement window closed' }];
    const result = mapped(receipt({ status: 'Failed', reasons }));
    expect(result.kind === 'receipt' && result.receipt).toMatchObject({ status: 'Failed', reasons, isFinalReceipt: true });
  });

  it.each([
    ['delivered', 'Delivered'],
    ['FAILED', 'Failed'],
  ])("reads WhatsApp's spelling %s as Genesys's %s", (status, sent) => {
    const result = mapped(receipt({ status }));
    expect(result.kind === 'receipt' && result.receipt.status).toBe(sent);
  });

  it('is final even when the input says otherwise or nothing: WhatsApp delivered and failed do not change again', () => {
    for (const isFinalReceipt of [false, undefined]) {
      const result = mapped(receipt({ isFinalReceipt }));
      expect(result.kind === 'receipt' && result.receipt.isFinalReceipt).toBe(true);
    }
  });

  it('accepts the minimal receipt: no integration, no idType, no direction, a time with an offset', () => {
    const minimal = {
      id: GENESYS_MESSAGE_ID,
      type: 'Receipt',
      status: 'Delivered',
      channel: { to: { id: '1' }, time: '2026-01-15T04:33:20+01:00' },
    };
    expect(mapped(minimal)).toEqual({
      kind: 'receipt',
      messageType: 'receipt',
      customerId: '1',
      receipt: {
        id: GENESYS_MESSAGE_ID,
        channel: { to: { id: '1' }, time: '2026-01-15T03:33:20.000Z' },
        status: 'Delivered',
        isFinalReceipt: true,
      },
    });
  });

  it.each([
    ['Delivered', receipt()],
    ['Failed with reasons', receipt({ status: 'Failed', reasons: [{ code: 'GeneralError', message: 'x' }] })],
    ['minimal', { id: 'm', type: 'Receipt', status: 'failed', channel: { to: { id: '1' }, time: '2026-01-15T03:33:20+05:30' } }],
  ])('produces what the receipt endpoint accepts from %s', (_name, payload) => {
    const result = mapped(payload);
    expect(result.kind === 'receipt' && validateInboundReceipt(result.receipt)).toBeUndefined();
  });

  it.each([
    ['Read', 'receipt status Read is not sent: Genesys accepts only Delivered and Failed'],
    ['read', 'receipt status Read is not sent: Genesys accepts only Delivered and Failed'],
    ['Sent', 'receipt status Sent is not sent: Genesys accepts only Delivered and Failed'],
    ['Published', 'receipt status Published is not sent: Genesys accepts only Delivered and Failed'],
    ['Removed', 'receipt status Removed is not sent: Genesys accepts only Delivered and Failed'],
    ['XSECRETX', 'receipt status (unrecognised) is not sent: Genesys accepts only Delivered and Failed'],
  ])('drops a %s receipt, saying why', (status, dropReason) => {
    expect(mapped(receipt({ status }))).toEqual({
      kind: 'drop',
      messageType: 'receipt',
      customerId: '919876543210',
      integrationId: INTEGRATION,
      dropReason,
    });
  });

  it.each([
    ['no id', receipt({ id: undefined }), ['genesysPayload.id is required']],
    ['an empty id', receipt({ id: '' }), ['genesysPayload.id must not be empty']],
    ['no status', receipt({ status: undefined }), ['genesysPayload.status is required']],
    ['a numeric status', receipt({ status: 3 }), ['genesysPayload.status must be a string']],
    ['no channel', receipt({ channel: undefined }), ['genesysPayload.channel is required']],
    ['no recipient', receipt({ channel: { time: '2026-01-15T03:33:20Z' } }), ['genesysPayload.channel.to is required']],
    [
      'a recipient without id',
      receipt({ channel: { to: { idType: 'Phone' }, time: '2026-01-15T03:33:20Z' } }),
      ['genesysPayload.channel.to.id is required'],
    ],
    [
      'an unknown idType',
      receipt({ channel: { to: { id: '1', idType: 'phone' }, time: '2026-01-15T03:33:20Z' } }),
      ['genesysPayload.channel.to.idType must be one of: Phone, Email, Opaque'],
    ],
    ['no time', receipt({ channel: { to: { id: '1' } } }), ['genesysPayload.channel.time is required']],
    [
      'another platform',
      receipt({ channel: { ...receipt().channel, platform: 'Twitter' } }),
      ['genesysPayload.channel.platform must be one of: Open'],
    ],
    ['another direction', receipt({ direction: 'Sideways' }), ['genesysPayload.direction must be one of: Inbound, Outbound']],
    ['reasons that are not a list', receipt({ status: 'Failed', reasons: { message: 'x' } }), ['genesysPayload.reasons must be an array']],
    [
      'a reason without message',
      receipt({ status: 'Failed', reasons: [{ code: 'GeneralError' }] }),
      ['genesysPayload.reasons[0].message is required'],
    ],
    [
      'a numeric reason code',
      receipt({ status: 'Failed', reasons: [{ code: 5, message: 'x' }] }),
      ['genesysPayload.reasons[0].code must be a string'],
    ],
  ])('refuses a receipt with %s', (_name, payload, problems) => {
    const result = map(payload);
    expect(result.mapped).toBeUndefined();
    expect(result.problems).toEqual(problems);
  });

  it('refuses a malformed receipt even when its status would be dropped: the publisher has a defect to fix', () => {
    expect(map(receipt({ status: 'Read', id: undefined })).problems).toEqual(['genesysPayload.id is required']);
  });
});
