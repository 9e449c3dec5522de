import examples from './send-message-examples.json';

/**
 * Meta's own send-message request examples, ready to send. Two kinds of placeholder stand where the
 * document constrains the value, so they are filled in: a media `link` written `http(s)://…` or
 * `<http(s)://…>` becomes `https://…` (a link must be an http(s) URL), and the multi-product header's
 * `<HEADER_TYPE>` becomes `text`, the only header that example carries. Other placeholders
 * (`{{Recipient-Phone-Number}}`, `<BODY_TEXT>`, …) are plain strings and stay as written.
 */
export const SEND_MESSAGE_EXAMPLES: Record<string, Record<string, unknown>> = Object.fromEntries(
  Object.entries(examples.examples).map(([name, body]) => [name, fillPlaceholders(body) as Record<string, unknown>]),
);

export const SEND_MESSAGE_EXAMPLES_VERSION = examples.source.version;

function fillPlaceholders(value: unknown): unknown {
  if (typeof value === 'string') {
    const link = /^<?http\(s\)(:\/\/[^>]*)>?$/.exec(value);
    if (link) return `https${link[1]}`;
    return value === '<HEADER_TYPE>' ? 'text' : value;
  }
  if (Array.isArray(value)) return value.map(fillPlaceholders);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item)]));
  return value;
}
