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
];

const MEDIA_TYPES = new Set(['image', 'document', 'video', 'audio', 'sticker']);

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
  if (MEDIA_TYPES.has(type)) {
    return typeof content.link === 'string' || typeof content.id === 'string' ? undefined : missing(`${type}[link] or ${type}[id]`);
  }
  switch (type) {
    case 'text':
      return typeof content.body === 'string' && content.body.length > 0 ? undefined : missing('text[body]');
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
      if (!INTERACTIVE_TYPES.includes(content.type)) return missing('interactive[type]');
      return content.type === 'list' || content.type === 'button' || content.type === 'cta_url' || content.type === 'flow'
        ? isObject(content.action) && isObject(content.body ?? {})
          ? undefined
          : missing('interactive[action]')
        : undefined;
    case 'reaction':
      if (typeof content.message_id !== 'string') return missing('reaction[message_id]');
      return typeof content.emoji === 'string' ? undefined : missing('reaction[emoji]');
    default:
      return undefined;
  }
}
