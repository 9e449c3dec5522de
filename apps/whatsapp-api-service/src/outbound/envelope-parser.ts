import { Injectable } from '@nestjs/common';
import { EnvelopeCheck } from '@lib/delivery';
import { checkEnvelopeMetadata, EnvelopeMetadata } from './envelope-metadata';
import { WabaPayloadValidator } from './payload-validation/waba-payload.validator';

export interface OutboundEnvelope {
  metadata: EnvelopeMetadata;
  /** The parsed body, forwarded to Meta as it came (not the validated DTO instance). */
  wabaPayload: Record<string, unknown>;
  /** `text`, `template`, … or `mark_as_read`. */
  messageType: string;
}

const MAX_REPORTED_PROBLEMS = 5;

/**
 * Checks a queue message's body (already read as JSON and checked for hostile shapes by the delivery
 * pipeline) as an `outbound-processed` envelope: the metadata field by field, the payload with the
 * validator compiled from Meta's own schema. Reasons name fields, never the message's content.
 */
@Injectable()
export class EnvelopeParser {
  /** Compiled once, when the service starts. */
  private readonly payloads = new WabaPayloadValidator();

  check(json: unknown): EnvelopeCheck<OutboundEnvelope> {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return { ok: false, reason: 'message body must be a JSON object' };
    }
    const { metadata, wabaPayload } = json as { metadata?: unknown; wabaPayload?: unknown };
    const checked = checkEnvelopeMetadata(metadata, 'metadata');
    const problems = checked.ok ? [] : checked.problems;
    if (typeof wabaPayload !== 'object' || wabaPayload === null || Array.isArray(wabaPayload))
      problems.push('wabaPayload must be an object');
    if (!checked.ok || problems.length > 0) return { ok: false, reason: listed(problems) };
    const payload = wabaPayload as Record<string, unknown>;
    const verdict = this.payloads.validate(payload);
    if (!verdict.ok) return { ok: false, reason: listed(verdict.problems) };
    return { ok: true, envelope: { metadata: checked.metadata, wabaPayload: payload, messageType: verdict.messageType } };
  }
}

/**
 * Best-effort message id of an invalid envelope, for dead-letter headers and filters. Not its tenant:
 * a refused message is reported to the routing key's tenant, never to one the body merely names.
 */
export function internalIdOf(json: unknown): string | undefined {
  const metadata = (json as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const internalId = metadata.internalId;
  return typeof internalId === 'string' && internalId.length <= 128 ? internalId : undefined;
}

/** At most MAX_REPORTED_PROBLEMS of them, and how many more there were. */
function listed(problems: string[]): string {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).join('; ');
  return problems.length > MAX_REPORTED_PROBLEMS ? `${shown}; and ${problems.length - MAX_REPORTED_PROBLEMS} more` : shown;
}
