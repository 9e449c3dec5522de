import { META_ERROR_CATALOG, MetaErrorSpec } from './meta-error-catalog';

export const META_MESSAGE_TYPES = [
  'text',
  'template',
  'image',
  'document',
  'video',
  'audio',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
] as const;

const INTERACTIVE_TYPES = [
  'button',
  'list',
  'cta_url',
  'flow',
  'product',
  'product_list',
  'catalog_message',
  'location_request_message',
  'address_message',
  'call_permission_request',
  'order_details',
  'order_status',
];

const MEDIA_TYPES = new Set(['image', 'document', 'video', 'audio', 'sticker']);
const CAPTIONED_TYPES = new Set(['image', 'document', 'video']);
/** Meta's documented limits: text bodies 4,096 characters, captions 1,024. */
const MAX_TEXT_BODY = 4096;
const MAX_CAPTION = 1024;

const invalidParameter = (message: string): MetaErrorSpec => ({
  code: 100,
  httpStatus: 400,
  type: 'OAuthException',
  message: `(#100) ${message}`,
});

const missing = (parameter: string): MetaErrorSpec => ({
  ...META_ERROR_CATALOG['131008'],
  details: `The parameter ${parameter} is required.`,
});

/**
 * A parameter value Meta refuses. The fact sheet has no recorded body for these limits; 131009
 * ("Parameter value is not valid") is Meta's documented code for an invalid value, and the classifier
 * treats it like (#100): a permanent INVALID_REQUEST.
 */
const invalidValue = (parameter: string, why: string): MetaErrorSpec => ({
  ...META_ERROR_CATALOG['131009'],
  details: `Param ${parameter} ${why}.`,
});

type Body = Record<string, any>;

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The checks the Cloud API makes on a `/messages` body before accepting it, with the errors it gives:
 * Graph-level `(#100)` for the envelope fields, 131008 / 131009 for a type's own parameters.
 * Returns undefined when Meta would accept the body.
 */
export function validateMetaRequest(body: unknown): MetaErrorSpec | undefined {
  if (!isObject(body)) return invalidParameter('Invalid parameter');
  if (body.messaging_product !== 'whatsapp') return invalidParameter('The parameter messaging_product is required.');
  if (body.status !== undefined) return validateStatusUpdate(body);
  if (typeof body.to !== 'string' || body.to.length === 0) return invalidParameter('The parameter to is required.');
  if (body.recipient_type !== undefined && !['individual', 'group'].includes(body.recipient_type)) {
    return invalidParameter('Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "' + String(body.recipient_type) + '".');
  }
  if (body.context !== undefined && (!isObject(body.context) || typeof body.context.message_id !== 'string')) {
    return invalidParameter('The parameter context[message_id] is required.');
  }
  const type = body.type ?? 'text';
  if (!(META_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return invalidParameter(`Param type must be one of {${META_MESSAGE_TYPES.join(', ').toUpperCase()}} - got "${String(type)}".`);
  }
  const content = body[type];
  if (!isObject(content) && !(type === 'contacts' && Array.isArray(content))) return missing(type);
  return validateContent(type, content);
}

function validateStatusUpdate(body: Body): MetaErrorSpec | undefined {
  if (body.status !== 'read') return invalidParameter('Param status must be one of {READ} - got "' + String(body.status) + '".');
  if (typeof body.message_id !== 'string') return invalidParameter('The parameter message_id is required.');
  if (!body.message_id.startsWith('wamid.')) return META_ERROR_CATALOG['131009'];
  return undefined;
}

function validateContent(type: string, content: any): MetaErrorSpec | undefined {
  if (MEDIA_TYPES.has(type)) return validateMedia(type, content);
  switch (type) {
    case 'text':
      if (typeof content.body !== 'string' || content.body.length === 0) return missing('text[body]');
      return content.body.length > MAX_TEXT_BODY
        ? invalidValue('text[body]', `must be at most ${MAX_TEXT_BODY} characters long`)
        : undefined;
    case 'template':
      if (typeof content.name !== 'string') return missing('template[name]');
      return isObject(content.language) && typeof content.language.code === 'string' ? undefined : missing('template[language][code]');
    case 'location':
      return typeof content.latitude === 'number' || typeof content.latitude === 'string'
        ? typeof content.longitude === 'number' || typeof content.longitude === 'string'
          ? undefined
          : missing('location[longitude]')
        : missing('location[latitude]');
    case 'contacts':
      return Array.isArray(content) && content.length > 0 && content.every((c: unknown) => isObject(c) && isObject(c.name))
        ? undefined
        : missing('contacts[0][name]');
    case 'interactive':
      return validateInteractive(content);
    case 'reaction':
      if (typeof content.message_id !== 'string') return missing('reaction[message_id]');
      return typeof content.emoji === 'string' ? undefined : missing('reaction[emoji]');
    default:
      return undefined;
  }
}

/** An uploaded media `id` or an http(s) `link`, not both; captions within Meta's limit. */
function validateMedia(parameter: string, media: Body, captioned = CAPTIONED_TYPES.has(parameter)): MetaErrorSpec | undefined {
  const hasId = typeof media.id === 'string';
  const hasLink = typeof media.link === 'string';
  if (hasId && hasLink) return invalidValue(`${parameter}[id]`, `cannot be used together with ${parameter}[link]`);
  if (!hasId && !hasLink) return missing(`${parameter}[link] or ${parameter}[id]`);
  if (hasLink && !isHttpUrl(media.link)) return invalidValue(`${parameter}[link]`, 'must be an http(s) URL');
  if (captioned && typeof media.caption === 'string' && media.caption.length > MAX_CAPTION) {
    return invalidValue(`${parameter}[caption]`, `must be at most ${MAX_CAPTION} characters long`);
  }
  return undefined;
}

function validateInteractive(content: Body): MetaErrorSpec | undefined {
  if (!INTERACTIVE_TYPES.includes(content.type)) return missing('interactive[type]');
  if (!isObject(content.action)) return missing('interactive[action]');
  // Meta's interactive reference: reply buttons and lists carry a body.
  if ((content.type === 'button' || content.type === 'list') && !isObject(content.body)) return missing('interactive[body]');
  const header = content.header;
  if (isObject(header) && ['image', 'video', 'document'].includes(header.type)) {
    if (!isObject(header[header.type])) return missing(`interactive[header][${header.type}]`);
    return validateMedia(`interactive[header][${header.type}]`, header[header.type], false);
  }
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
