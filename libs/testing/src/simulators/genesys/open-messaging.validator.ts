/**
 * The request models of Open Messaging's per-integration endpoints (fact sheet §1.2 and §1.4), checked
 * the way Genesys's JSON-schema validation answers: the first problem, as an ajv-style sentence naming
 * the field, never its value (no message content in errors).
 *
 * Strictest reading where the fact sheet is unsure (§1.2, §7): fields outside the model are refused,
 * among them the deprecated `/inbound/open` shape's `channel.platform`, `channel.type`, `channel.to`,
 * top-level `id`, `type` and `direction`. Whether Genesys ignores them is not documented, so the service
 * must send only the current model and the simulator must not let anything else through.
 */

type Rule =
  | { type: 'string'; minLength?: number; enum?: readonly string[]; format?: 'date-time' | 'https-url' | 'mime-type' }
  | { type: 'boolean' }
  | { type: 'string-map' }
  | { type: 'array'; items: Rule; minItems?: number }
  | { type: 'object'; properties: Record<string, Rule>; required?: readonly string[] };

const str: Rule = { type: 'string' };
/** §1.2: "yyyy-MM-ddTHH:mm:ss[.mmm]Z"; an offset other than Z is refused (strictest reading). */
const dateTime: Rule = { type: 'string', format: 'date-time' };

const recipientFields = { nickname: str, firstName: str, lastName: str, image: str, email: str };
const ID_TYPES = ['Email', 'Phone', 'Opaque'] as const;

/** `OpenMessagingFromRecipient` (enum from the Python SDK's `allowed_values`). */
const fromRecipient: Rule = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1 }, idType: { type: 'string', enum: ID_TYPES }, ...recipientFields },
  required: ['id', 'idType'],
};

/** `OpenMessagingToRecipient`: `idType` optional. */
const toRecipient: Rule = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1 }, idType: { type: 'string', enum: ID_TYPES }, ...recipientFields },
  required: ['id'],
};

/**
 * `OpenContentAttachment`. The URL must be fetchable by Genesys: publicly reachable and in practice HTTPS
 * (§1.2, uncertain), so plain http is refused.
 */
const attachment: Rule = {
  type: 'object',
  properties: {
    id: str,
    mediaType: { type: 'string', enum: ['Image', 'Video', 'Audio', 'File', 'Link'] },
    url: { type: 'string', format: 'https-url' },
    mime: { type: 'string', format: 'mime-type' },
    text: str,
    sha256: str,
    filename: str,
  },
  required: ['mediaType', 'url', 'mime'],
};

/**
 * `OpenInboundNormalizedMessage`. `channel.metadata` carries `customAttributes` (§1.2, corroborated;
 * string values assumed) besides the SDK's `subType`; top-level `metadata` is string→string only.
 */
const inboundMessage: Rule = {
  type: 'object',
  properties: {
    channel: {
      type: 'object',
      properties: {
        from: fromRecipient,
        time: dateTime,
        messageId: str,
        metadata: {
          type: 'object',
          properties: {
            customAttributes: { type: 'string-map' },
            subType: { type: 'string', enum: ['None', 'GoogleBusinessProfile', 'RoadsideAssistance', 'YouTube'] },
          },
        },
      },
      required: ['from', 'time'],
    },
    text: str,
    // An element without its attachment, or an empty list, carries nothing: refused (strictest reading).
    content: { type: 'array', minItems: 1, items: { type: 'object', properties: { attachment }, required: ['attachment'] } },
    metadata: { type: 'string-map' },
  },
  required: ['channel'],
};

/** `OpenInboundNormalizedReceipt`; the endpoint supports only Delivered and Failed (§1.4). */
const inboundReceipt: Rule = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1 },
    channel: { type: 'object', properties: { to: toRecipient, time: dateTime }, required: ['to', 'time'] },
    status: { type: 'string', enum: ['Delivered', 'Failed'] },
    reasons: { type: 'array', items: { type: 'object', properties: { code: str, message: str }, required: ['message'] } },
    isFinalReceipt: { type: 'boolean' },
  },
  required: ['id', 'channel', 'status'],
};

/** §1.2: the error quoted from `/inbound/open/message` when neither `text` nor `content` is there. */
const TEXT_OR_CONTENT = "should have required property 'content', should have required property '.text', should match some schema in anyOf";

/** The first problem of an inbound message body, or undefined when the model accepts it. */
export function validateInboundMessage(body: unknown): string | undefined {
  const problem = check(body, inboundMessage, '');
  if (problem) return problem;
  const { text, content } = body as { text?: string; content?: unknown[] };
  // Strictest reading: an empty text is no text.
  return (text === undefined || text === '') && content === undefined ? TEXT_OR_CONTENT : undefined;
}

/** The first problem of an inbound receipt body, or undefined when the model accepts it. */
export function validateInboundReceipt(body: unknown): string | undefined {
  return check(body, inboundReceipt, '');
}

function check(value: unknown, rule: Rule, path: string): string | undefined {
  const at = (sentence: string) => (path ? `${path} ${sentence}` : sentence);
  switch (rule.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : at('should be boolean');
    case 'string':
      return checkString(value, rule, at);
    case 'string-map':
      if (!isObject(value)) return at('should be object');
      return Object.values(value).every((entry) => typeof entry === 'string') ? undefined : at('values should be string');
    case 'array': {
      if (!Array.isArray(value)) return at('should be array');
      if (rule.minItems !== undefined && value.length < rule.minItems) return at(`should NOT have fewer than ${rule.minItems} items`);
      for (const [index, item] of value.entries()) {
        const problem = check(item, rule.items, `${path}[${index}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'object':
      return checkObject(value, rule, path, at);
  }
}

function checkObject(value: unknown, rule: Extract<Rule, { type: 'object' }>, path: string, at: (s: string) => string): string | undefined {
  if (!isObject(value)) return at('should be object');
  const present = Object.keys(value).filter((key) => value[key] !== undefined);
  const missing = (rule.required ?? []).find((key) => !present.includes(key));
  if (missing) return at(`should have required property '${missing}'`);
  const extra = present.find((key) => !(key in rule.properties));
  if (extra) return at(`should NOT have additional properties: '${extra}'`);
  for (const key of present) {
    const problem = check(value[key], rule.properties[key], path ? `${path}.${key}` : key);
    if (problem) return problem;
  }
  return undefined;
}

function checkString(value: unknown, rule: Extract<Rule, { type: 'string' }>, at: (s: string) => string): string | undefined {
  if (typeof value !== 'string') return at('should be string');
  if (rule.minLength !== undefined && value.length < rule.minLength) return at(`should NOT be shorter than ${rule.minLength} characters`);
  if (rule.enum && !rule.enum.includes(value)) return at(`should be equal to one of the allowed values: ${rule.enum.join(', ')}`);
  if (rule.format === 'date-time' && !isUtcDateTime(value))
    return at('should be an ISO-8601 date-time in UTC (yyyy-MM-ddTHH:mm:ss[.mmm]Z)');
  if (rule.format === 'https-url' && !isHttpsUrl(value)) return at('should be an absolute https URL');
  if (rule.format === 'mime-type' && !/^[\w.+-]+\/[\w.+-]+$/.test(value)) return at('should be a MIME type (type/subtype)');
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isUtcDateTime(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?Z$/.exec(value);
  if (!match) return false;
  const parsed = new Date(value);
  // Date rolls impossible days over (Feb 30 → Mar 2): compare the parts back.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(match[1]);
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}
