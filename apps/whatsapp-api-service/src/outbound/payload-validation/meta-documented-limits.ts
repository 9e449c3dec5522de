import { SchemaNode } from './schema-node';

/** Format of a media `link`: an absolute http or https URL (Meta's media reference: "HTTP/HTTPS only"). */
export const HTTP_URL_FORMAT = 'http-url';

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const link = { type: 'string', format: HTTP_URL_FORMAT };
/** Meta's media reference: captions at most 1,024 characters. */
const captioned = { properties: { link, caption: { type: 'string', maxLength: 1024 } } };
const uncaptioned = { properties: { link } };

/**
 * What Meta refuses although its OpenAPI description (v23.0) accepts it, checked on every message
 * beside the description's own schema. "Either id or link, not both" needs no rule here: the
 * description's MediaObject and sticker `oneOf` already say it. `docs/asyncapi.yaml` carries a copy.
 */
export const META_DOCUMENTED_LIMITS: SchemaNode = {
  properties: {
    // Fact sheet: "(#100) The parameter messaging_product is required." for anything but whatsapp.
    messaging_product: { const: 'whatsapp' },
    // A phone number (E.164, at most 15 digits plus formatting) or a group id. Status events and
    // conversation keys carry it, so an unbounded one is refused here rather than there.
    to: { minLength: 1, maxLength: 128 },
    // Meta's reference: a reply names the message it replies to.
    context: { required: ['message_id'], properties: { message_id: { minLength: 1 } } },
    // Meta's text-message reference: body required, at most 4,096 characters (131008 when missing).
    text: { required: ['body'], properties: { body: { minLength: 1, maxLength: 4096 } } },
    image: captioned,
    video: captioned,
    document: captioned,
    audio: uncaptioned,
    sticker: uncaptioned,
    // Meta's location-message reference: both coordinates required.
    location: { required: ['latitude', 'longitude'] },
    // Meta's contacts reference: each contact has a name with a formatted_name.
    contacts: { items: { required: ['name'], properties: { name: { required: ['formatted_name'] } } } },
    // Meta's reaction reference: message_id and emoji required; an empty emoji removes a reaction.
    reaction: { required: ['message_id', 'emoji'], properties: { message_id: { minLength: 1 } } },
    interactive: {
      properties: {
        header: { properties: { image: uncaptioned, video: uncaptioned, document: uncaptioned } },
      },
      // Meta's interactive reference (and BodyObject's own description): reply buttons and lists need a body.
      if: { required: ['type'], properties: { type: { enum: ['button', 'list'] } } },
      then: { required: ['body'] },
    },
  },
};
