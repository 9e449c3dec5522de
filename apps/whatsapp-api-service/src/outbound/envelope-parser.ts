import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { WhatsappConfig } from '../config/whatsapp.config';
import { hostileShapeOf } from './hostile-json.guard';
import { locateJsonSyntaxError } from './json-syntax-error';
import { EnvelopeMetadataDto, OutboundEnvelopeDto } from './outbound-envelope.dto';
import { WabaPayloadValidator } from './payload-validation/waba-payload.validator';

export interface OutboundEnvelope {
  metadata: OutboundEnvelopeDto['metadata'];
  /** The parsed body, forwarded to Meta as it came (not the validated DTO instance). */
  wabaPayload: Record<string, unknown>;
  /** `text`, `template`, … or `mark_as_read`. */
  messageType: string;
}

export type ParsedEnvelope = { ok: true; envelope: OutboundEnvelope } | { ok: false; reason: string; internalId?: string };

const MAX_REPORTED_PROBLEMS = 5;
/** One problem per field: the first check that fails (type checks sit closest to the property). */
const VALIDATION = { stopAtFirstError: true };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns a queue message's raw body into a validated envelope, or says precisely why it is not one.
 * Order matters for hostile input: size before decoding, decoding before parsing, one parse only, and
 * the shape (pollution keys, depth) checked before class-transformer copies anything. Reasons name
 * fields and positions, never the message's content.
 */
@Injectable()
export class EnvelopeParser {
  /** Compiled once, when the service starts. */
  private readonly payloads = new WabaPayloadValidator();

  constructor(private readonly config: WhatsappConfig) {}

  /** `routedTenantId`: the tenant the message's routing key names; an envelope naming another is refused. */
  parse(raw: Buffer, routedTenantId?: string): ParsedEnvelope {
    if (raw.length > this.config.messageMaxBytes) {
      return { ok: false, reason: `message is ${raw.length} bytes, above the ${this.config.messageMaxBytes}-byte limit` };
    }
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return { ok: false, reason: 'message body is not valid UTF-8' };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const syntax = locateJsonSyntaxError(text);
      return {
        ok: false,
        reason: `message body is not JSON: ${syntax ? `${syntax.problem} at position ${syntax.position}` : 'unreadable'}`,
      };
    }
    const hostile = hostileShapeOf(json);
    if (hostile) return { ok: false, reason: hostile, ...identityOf(json) };
    return this.validate(json, routedTenantId);
  }

  private validate(json: unknown, routedTenantId: string | undefined): ParsedEnvelope {
    const identity = identityOf(json);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return { ok: false, reason: 'message body must be a JSON object' };
    }
    // Only the metadata becomes a class instance: the payload is checked as it came, by the compiled validator.
    const { metadata, wabaPayload } = json as { metadata?: unknown; wabaPayload?: unknown };
    const envelope = Object.assign(new OutboundEnvelopeDto(), { metadata: plainToInstance(EnvelopeMetadataDto, metadata), wabaPayload });
    const envelopeProblems = describe(validateSync(envelope, VALIDATION));
    if (envelopeProblems) return { ok: false, reason: envelopeProblems, ...identity };
    // Policies (breaker, bulkhead) follow the routing key, credentials the metadata: they must agree.
    if (routedTenantId !== undefined && routedTenantId !== envelope.metadata.tenantId) {
      return {
        ok: false,
        reason: `routing key names tenant '${routedTenantId.slice(0, 64)}' but metadata.tenantId is '${envelope.metadata.tenantId}'`,
        ...identity,
      };
    }

    const payload = wabaPayload as Record<string, unknown>;
    const verdict = this.payloads.validate(payload);
    if (!verdict.ok) return { ok: false, reason: listed(verdict.problems), ...identity };
    return { ok: true, envelope: { metadata: envelope.metadata, wabaPayload: payload, messageType: verdict.messageType } };
  }
}

/**
 * Best-effort message id of an invalid envelope, for dead-letter headers and filters. Not its tenant:
 * a refused message is reported to the routing key's tenant, never to one the body merely names.
 */
function identityOf(json: unknown): { internalId?: string } {
  const metadata = (json as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (typeof metadata !== 'object' || metadata === null) return {};
  const internalId = metadata.internalId;
  return typeof internalId === 'string' && internalId.length <= 128 ? { internalId } : {};
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
