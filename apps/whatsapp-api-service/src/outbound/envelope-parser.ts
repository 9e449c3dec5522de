import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvelopeCheck } from '@lib/delivery';
import { EnvelopeMetadataDto, OutboundEnvelopeDto } from './outbound-envelope.dto';
import { WabaPayloadValidator } from './payload-validation/waba-payload.validator';

export interface OutboundEnvelope {
  metadata: OutboundEnvelopeDto['metadata'];
  /** The parsed body, forwarded to Meta as it came (not the validated DTO instance). */
  wabaPayload: Record<string, unknown>;
  /** `text`, `template`, … or `mark_as_read`. */
  messageType: string;
}

const MAX_REPORTED_PROBLEMS = 5;
/** One problem per field: the first check that fails (type checks sit closest to the property). */
const VALIDATION = { stopAtFirstError: true };

/**
 * Checks a queue message's body (already read as JSON and checked for hostile shapes by the delivery
 * pipeline) as an `outbound-processed` envelope: the metadata with class-validator, the payload with the
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
    // Only the metadata becomes a class instance: the payload is checked as it came, by the compiled validator.
    const { metadata, wabaPayload } = json as { metadata?: unknown; wabaPayload?: unknown };
    const envelope = Object.assign(new OutboundEnvelopeDto(), { metadata: plainToInstance(EnvelopeMetadataDto, metadata), wabaPayload });
    const envelopeProblems = describe(validateSync(envelope, VALIDATION));
    if (envelopeProblems) return { ok: false, reason: envelopeProblems };
    const payload = wabaPayload as Record<string, unknown>;
    const verdict = this.payloads.validate(payload);
    if (!verdict.ok) return { ok: false, reason: listed(verdict.problems) };
    return { ok: true, envelope: { metadata: envelope.metadata, wabaPayload: payload, messageType: verdict.messageType } };
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

function describe(errors: ValidationError[]): string | undefined {
  const problems = flatten(errors, '');
  return problems.length === 0 ? undefined : listed(problems);
}

/** At most MAX_REPORTED_PROBLEMS of them, and how many more there were. */
function listed(problems: string[]): string {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).join('; ');
  return problems.length > MAX_REPORTED_PROBLEMS ? `${shown}; and ${problems.length - MAX_REPORTED_PROBLEMS} more` : shown;
}

function flatten(errors: ValidationError[], prefix: string): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
