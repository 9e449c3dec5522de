import { Injectable } from '@nestjs/common';
import { EnvelopeCheck } from '@lib/delivery';
import { isObject, listProblems, Problems } from './field-reader';
import { mapGenesysMessage } from './genesys-payload.mapper';
import { isReceiptPayload, mapGenesysReceipt } from './genesys-receipt.mapper';
import { InboundEnvelope } from './inbound-envelope.types';
import { MAX_WHATSAPP_MESSAGE_ID_LENGTH, readMetadata, VISIBLE_ASCII } from './inbound-metadata';

/**
 * Checks a queue message's body (already read as JSON and checked for hostile shapes by the delivery
 * pipeline) as an `inbound-processed` envelope, and maps its `genesysPayload` to what Genesys is sent: a
 * message, a receipt, or a receipt to drop. Hand-written rather than schema-compiled: the legacy and
 * current shapes need mapping anyway, and each reason is written here once, naming the field and what is
 * wrong, never a value or the message's text. Metadata and payload problems are listed together.
 */
@Injectable()
export class InboundEnvelopeChecker {
  check(json: unknown): EnvelopeCheck<InboundEnvelope> {
    if (!isObject(json)) return { ok: false, reason: 'message body must be a JSON object' };
    const problems = new Problems();
    const metadata = readMetadata(json.metadata, problems);
    const payload = isReceiptPayload(json.genesysPayload)
      ? mapGenesysReceipt(json.genesysPayload, problems)
      : mapGenesysMessage(json.genesysPayload, problems, metadata?.whatsapp_message_id);
    if (!metadata || !payload || !problems.none) return { ok: false, reason: listProblems(problems.all) };
    return { ok: true, envelope: { metadata, ...payload } };
  }
}

/**
 * Best-effort WhatsApp message id of an invalid envelope, for its dead letter's `x-whatsapp-message-id`
 * and failed event: any short visible-ASCII string, so an operator can still find a malformed one. Not
 * its tenant: a refused message is reported to the routing key's tenant, never to one the body names.
 */
export function whatsappMessageIdOf(json: unknown): string | undefined {
  const metadata = isObject(json) ? json.metadata : undefined;
  const id = isObject(metadata) ? metadata.whatsapp_message_id : undefined;
  return typeof id === 'string' && id.length <= MAX_WHATSAPP_MESSAGE_ID_LENGTH && VISIBLE_ASCII.test(id) ? id : undefined;
}
