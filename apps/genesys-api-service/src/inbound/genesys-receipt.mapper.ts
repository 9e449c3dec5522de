import { checkLegacyChannel, ID_RULE, readChannelTime } from './channel-fields';
import { FieldReader, isObject, Problems } from './field-reader';
import { MappedReceipt } from './inbound-envelope.types';
import { ID_TYPES, OpenInboundNormalizedReceipt, RECEIPT_STATUSES } from '../genesys/types/open-messaging.types';

/** Statuses of Genesys's normalized messages; a receipt with one of the others is named by it when dropped. */
const KNOWN_STATUSES = ['Sent', 'Delivered', 'Read', 'Failed', 'Published', 'Removed'];
/** A receipt is about an agent's message, so either direction is what publishers write; neither is sent. */
const DIRECTIONS = ['Inbound', 'Outbound'] as const;

/** A `genesysPayload` of `type: "Receipt"`: how WhatsApp delivered an agent's message. */
export function isReceiptPayload(raw: unknown): boolean {
  return isObject(raw) && Object.hasOwn(raw, 'type') && raw.type === 'Receipt';
}

/**
 * A receipt as upstream builds it from the agent's message (the outbound webhook's `OpenNormalizedMessage`:
 * `id` is the Genesys message id, `channel.to` the customer, `channel.id` the integration) as the
 * `OpenInboundNormalizedReceipt` to send, or as one to drop when Genesys does not take its status (it
 * takes only Delivered and Failed, WhatsApp's lower-case spelling included). A malformed receipt is
 * refused whatever its status: its publisher has a defect to fix.
 */
export function mapGenesysReceipt(raw: unknown, problems: Problems): MappedReceipt | undefined {
  const payload = FieldReader.of(raw, 'genesysPayload', problems);
  if (!payload) return undefined;
  const before = problems.all.length;
  const id = payload.requiredString('id', ID_RULE);
  payload.oneOf('direction', DIRECTIONS, false);
  const channel = payload.object('channel', true);
  if (channel) checkLegacyChannel(channel);
  const integrationId = channel?.optionalString('id', ID_RULE);
  const to = channel?.object('to', true);
  const customerId = to?.requiredString('id', ID_RULE);
  const idType = to?.oneOf('idType', ID_TYPES, false);
  const time = channel && readChannelTime(channel);
  const status = payload.requiredString('status', { max: 64 });
  const reasons = readReasons(payload);
  if (id === undefined || customerId === undefined || time === undefined || status === undefined || problems.all.length > before) {
    return undefined;
  }
  const about = { messageType: 'receipt' as const, customerId, ...(integrationId !== undefined ? { integrationId } : {}) };
  const sent = RECEIPT_STATUSES.find((known) => sameStatus(known, status));
  if (!sent) {
    return {
      kind: 'drop',
      ...about,
      dropReason: `receipt status ${nameOf(status)} is not sent: Genesys accepts only Delivered and Failed`,
    };
  }
  const receipt: OpenInboundNormalizedReceipt = {
    id,
    channel: { to: { id: customerId, ...(idType !== undefined ? { idType } : {}) }, time },
    status: sent,
    ...(reasons ? { reasons } : {}),
    // WhatsApp's delivered and failed are final: nothing later replaces them.
    isFinalReceipt: true,
  };
  return { kind: 'receipt', ...about, receipt };
}

/** `[{ code?, message }]`, shown to the agent on a failed message; an empty list is none. */
function readReasons(payload: FieldReader): OpenInboundNormalizedReceipt['reasons'] {
  const items = payload.array('reasons');
  if (!items || items.length === 0) return undefined;
  const reasons = items.map((item, index) => {
    const reason = payload.item('reasons', index, item);
    const code = reason?.optionalString('code', { max: 128 });
    const message = reason?.requiredString('message');
    return message === undefined ? undefined : { ...(code !== undefined ? { code } : {}), message };
  });
  return reasons.every((reason) => reason !== undefined) ? reasons : undefined;
}

function sameStatus(known: string, status: string): boolean {
  return known.toLowerCase() === status.toLowerCase();
}

/** A known status by its Genesys name; anything else is not repeated. */
function nameOf(status: string): string {
  return KNOWN_STATUSES.find((known) => sameStatus(known, status)) ?? '(unrecognised)';
}
