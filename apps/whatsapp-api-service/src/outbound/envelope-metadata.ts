import { TENANT_ID_PATTERN } from '@lib/messaging';
import { isInt, isISO8601, isNotEmpty, isString, matches, maxLength, min } from 'class-validator';

/** The routing metadata of an `outbound-processed` envelope, as the check below lets it through. */
export interface EnvelopeMetadata {
  /** Also the last word of routing keys (`outbound.status.{tenantId}`), so no dots or wildcards. */
  tenantId: string;
  phoneNumberId: string;
  internalId: string;
  timestamp: string | number;
  priority?: unknown;
  retryCount?: number;
  correlationId?: string;
}

/** One check of a field: its name and constraint (compared with the AsyncAPI document), and its problem. */
export interface FieldCheck {
  name: 'isString' | 'matches' | 'maxLength' | 'isNotEmpty' | 'isInt' | 'min' | 'isTimestamp';
  constraint?: RegExp | number;
  passes: (value: unknown) => boolean;
  /** Completes "<field> …" when the check fails. */
  problem: string;
}

export interface FieldRules {
  field: keyof EnvelopeMetadata;
  /** Absent and `null` skip the checks. */
  optional: boolean;
  /** In order: only the first that fails is reported. */
  checks: FieldCheck[];
}

const string = (): FieldCheck => ({ name: 'isString', passes: isString, problem: 'must be a string' });
const pattern = (constraint: RegExp, mustBe: string): FieldCheck => ({
  name: 'matches',
  constraint,
  passes: (value) => matches(value as string, constraint),
  problem: `must be ${mustBe}`,
});
const maxChars = (constraint: number): FieldCheck => ({
  name: 'maxLength',
  constraint,
  passes: (value) => maxLength(value, constraint),
  problem: `must be shorter than or equal to ${constraint} characters`,
});
const notEmpty = (): FieldCheck => ({ name: 'isNotEmpty', passes: isNotEmpty, problem: 'should not be empty' });
const integer = (): FieldCheck => ({ name: 'isInt', passes: isInt, problem: 'must be an integer number' });
const atLeast = (constraint: number): FieldCheck => ({
  name: 'min',
  constraint,
  passes: (value) => min(value, constraint),
  problem: `must not be less than ${constraint}`,
});
const timestamp = (): FieldCheck => ({
  name: 'isTimestamp',
  passes: (value) => (typeof value === 'string' && isISO8601(value)) || (typeof value === 'number' && Number.isFinite(value) && value > 0),
  problem: 'must be an ISO-8601 date-time or epoch milliseconds',
});

/**
 * The metadata's fields and their checks, in the order problems are reported. Plain functions from
 * class-validator's own checks, run directly: the decorator machinery, metadata look-ups and
 * class-transformer's copy cost more per message than the checks themselves. docs/asyncapi.yaml
 * documents exactly these rules (its spec compares them).
 */
export const ENVELOPE_METADATA_RULES: readonly FieldRules[] = [
  { field: 'tenantId', optional: false, checks: [string(), pattern(TENANT_ID_PATTERN, '1-64 letters, digits, _ or -')] },
  { field: 'phoneNumberId', optional: false, checks: [string(), pattern(/^\d{1,32}$/, 'a Meta phone-number-id (digits)')] },
  { field: 'internalId', optional: false, checks: [string(), maxChars(128), notEmpty()] },
  { field: 'timestamp', optional: false, checks: [timestamp()] },
  { field: 'priority', optional: true, checks: [] },
  { field: 'retryCount', optional: true, checks: [integer(), atLeast(0)] },
  { field: 'correlationId', optional: true, checks: [string(), maxChars(128)] },
];

/** The metadata object as it came (nothing copied), or a problem per field, each naming the field under `path`. */
export function checkEnvelopeMetadata(
  metadata: unknown,
  path: string,
): { ok: true; metadata: EnvelopeMetadata } | { ok: false; problems: string[] } {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return { ok: false, problems: [`${path} must be an object`] };
  }
  const fields = metadata as Record<string, unknown>;
  const problems: string[] = [];
  for (const { field, optional, checks } of ENVELOPE_METADATA_RULES) {
    const value = fields[field];
    if (optional && (value === undefined || value === null)) continue;
    const failed = checks.find((check) => !check.passes(value));
    if (failed) problems.push(`${path}.${field} ${failed.problem}`);
  }
  return problems.length === 0 ? { ok: true, metadata: metadata as EnvelopeMetadata } : { ok: false, problems };
}
