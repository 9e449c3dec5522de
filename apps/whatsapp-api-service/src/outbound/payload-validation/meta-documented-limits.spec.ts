import { WabaPayloadValidator } from './waba-payload.validator';

const validator = new WabaPayloadValidator();
const message = (fields: Record<string, unknown>) => ({ messaging_product: 'whatsapp', to: '+4915112345678', ...fields });
const interactive = (content: Record<string, unknown>) => message({ type: 'interactive', interactive: content });
const reply = { type: 'reply', reply: { id: 'yes', title: 'Yes' } };

function problemsOf(payload: Record<string, unknown>): string[] {
  const verdict = validator.validate(payload);
  return verdict.ok ? [] : verdict.problems;
}

describe("Meta's documented limits the description leaves out", () => {
  it.each([
    [
      'messaging_product other than whatsapp',
      message({ messaging_product: 'sms', text: { body: 'x' } }),
      'wabaPayload.messaging_product must be "whatsapp"',
    ],
    ['an empty recipient', message({ to: '', text: { body: 'x' } }), 'wabaPayload.to must not be empty'],
    [
      'a recipient over 128 characters',
      message({ to: '1'.repeat(129), text: { body: 'x' } }),
      'wabaPayload.to must be at most 128 characters long',
    ],
    ['a reply without the id it replies to', message({ text: { body: 'x' }, context: {} }), 'wabaPayload.context.message_id is required'],
    ['a text without body', message({ text: {} }), 'wabaPayload.text.body is required'],
    [
      'a text body over 4,096 characters',
      message({ text: { body: 'x'.repeat(4097) } }),
      'wabaPayload.text.body must be at most 4096 characters long',
    ],
    ...['image', 'video', 'document'].map((type): [string, Record<string, unknown>, string] => [
      `a ${type} caption over 1,024 characters`,
      message({ type, [type]: { id: '1', caption: 'x'.repeat(1025) } }),
      `wabaPayload.${type}.caption must be at most 1024 characters long`,
    ]),
    ...['image', 'video', 'document', 'audio', 'sticker'].map((type): [string, Record<string, unknown>, string] => [
      `a ${type} link that is not an http(s) URL`,
      message({ type, [type]: { link: 'ftp://cdn.example.com/file' } }),
      `wabaPayload.${type}.link must be an http(s) URL`,
    ]),
    [
      'a link without scheme',
      message({ type: 'image', image: { link: 'cdn.example.com/a.png' } }),
      'wabaPayload.image.link must be an http(s) URL',
    ],
    [
      'a header image link that is not http(s)',
      interactive({
        type: 'button',
        header: { type: 'image', image: { link: 'file:///etc/passwd' } },
        body: { text: 'b' },
        action: { buttons: [reply] },
      }),
      'wabaPayload.interactive.header.image.link must be an http(s) URL',
    ],
    [
      'media with both id and link',
      message({ type: 'audio', audio: { id: '1', link: 'https://cdn.example.com/a.ogg' } }),
      'wabaPayload.audio must have only one of: id | link',
    ],
    [
      'a sticker with both id and link',
      message({ type: 'sticker', sticker: { id: '1', link: 'https://cdn.example.com/s.webp' } }),
      'wabaPayload.sticker must have only one of: id | link',
    ],
    [
      'reply buttons without body',
      interactive({ type: 'button', action: { buttons: [reply] } }),
      'wabaPayload.interactive.body is required',
    ],
    [
      'a list without body',
      interactive({ type: 'list', action: { button: 'Pick', sections: [{ rows: [{ id: 'a', title: 'A' }] }] } }),
      'wabaPayload.interactive.body is required',
    ],
    [
      'a location without latitude',
      message({ type: 'location', location: { longitude: 13.4 } }),
      'wabaPayload.location.latitude is required',
    ],
    [
      'a contact without name',
      message({ type: 'contacts', contacts: [{ phones: [{ phone: '+1' }] }] }),
      'wabaPayload.contacts[0].name is required',
    ],
    [
      'a contact name without formatted_name',
      message({ type: 'contacts', contacts: [{ name: { first_name: 'A' } }] }),
      'wabaPayload.contacts[0].name.formatted_name is required',
    ],
    [
      'a reaction without emoji',
      message({ type: 'reaction', reaction: { message_id: 'wamid.x' } }),
      'wabaPayload.reaction.emoji is required',
    ],
  ])('refuses %s', (_name, payload, problem) => {
    expect(problemsOf(payload)).toEqual([problem]);
  });

  it.each([
    ['a text body of exactly 4,096 characters', message({ text: { body: 'x'.repeat(4096) } })],
    [
      'a caption of exactly 1,024 characters',
      message({ type: 'image', image: { link: 'http://cdn.example.com/a.png', caption: 'x'.repeat(1024) } }),
    ],
    ['a product message without body', interactive({ type: 'product', action: { catalog_id: '1', product_retailer_id: 'p' } })],
    ['an empty emoji, which removes a reaction', message({ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '' } })],
    ['coordinates written as strings', message({ type: 'location', location: { latitude: '52.52', longitude: '13.405' } })],
  ])('accepts %s', (_name, payload) => {
    expect(problemsOf(payload)).toEqual([]);
  });
});
