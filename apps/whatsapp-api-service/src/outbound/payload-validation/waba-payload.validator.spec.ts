import { SEND_MESSAGE_EXAMPLES, SEND_MESSAGE_EXAMPLES_VERSION } from './meta-openapi/send-message-examples.fixture';
import { VENDORED_META_SCHEMAS, VENDORED_META_SOURCE } from './vendored-meta-schemas';
import { MARK_AS_READ, WabaPayloadValidator } from './waba-payload.validator';

const validator = new WabaPayloadValidator();
const message = (fields: Record<string, unknown>) => ({ messaging_product: 'whatsapp', to: '+4915112345678', ...fields });
const interactive = (content: Record<string, unknown>) => message({ type: 'interactive', interactive: content });
const reply = { type: 'reply', reply: { id: 'yes', title: 'Yes' } };

function problemsOf(payload: Record<string, unknown>): string[] {
  const verdict = validator.validate(payload);
  return verdict.ok ? [] : verdict.problems;
}

describe(WabaPayloadValidator.name, () => {
  it('is built from the v23.0 description, one validator per type of its Message schema', () => {
    expect(VENDORED_META_SOURCE).toMatchObject({ repository: 'facebook/openapi', version: 'v23.0', license: 'MIT' });
    expect(SEND_MESSAGE_EXAMPLES_VERSION).toBe('v23.0');
    expect(validator.messageTypes).toEqual(Object.keys(VENDORED_META_SCHEMAS.Message.discriminator!.mapping));
  });

  describe("accepts every request example of Meta's description", () => {
    it.each(Object.entries(SEND_MESSAGE_EXAMPLES))('%s', (_name, payload) => {
      expect(validator.validate(payload)).toEqual({
        ok: true,
        messageType:
          payload.status === 'read'
            ? MARK_AS_READ
            : ((payload.type as string | undefined) ?? (payload.interactive ? 'interactive' : 'text')),
      });
    });

    it('has all 50 of them, order details and order status among them', () => {
      expect(Object.keys(SEND_MESSAGE_EXAMPLES)).toHaveLength(50);
      expect(SEND_MESSAGE_EXAMPLES['Send Order Details Message']).toMatchObject({ interactive: { type: 'order_details' } });
      expect(SEND_MESSAGE_EXAMPLES['Send Order Status Message']).toMatchObject({ interactive: { type: 'order_status' } });
    });
  });

  describe('refuses what the description refuses', () => {
    it.each([
      [
        'a recipient type it does not know',
        message({ recipient_type: 'broadcast', text: { body: 'x' } }),
        'wabaPayload.recipient_type must be one of: individual, group',
      ],
      ['an unknown field in the text', message({ text: { body: 'x', font: 'serif' } }), 'wabaPayload.text.font is not allowed'],
      [
        'preview_url that is not a boolean',
        message({ text: { body: 'x', preview_url: 'yes' } }),
        'wabaPayload.text.preview_url must be a boolean',
      ],
      [
        'a caption on a sticker',
        message({ type: 'sticker', sticker: { id: '1', caption: 'c' } }),
        'wabaPayload.sticker matches none of the forms Meta accepts (id | link)',
      ],
      [
        'more than 5 contacts',
        message({ type: 'contacts', contacts: Array(6).fill({ name: { formatted_name: 'A' } }) }),
        'wabaPayload.contacts must have at most 5 items',
      ],
      [
        'a contact phone without number',
        message({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' }, phones: [{ type: 'WORK' }] }] }),
        'wabaPayload.contacts[0].phones[0].phone is required',
      ],
      [
        'a template without name',
        message({ type: 'template', template: { language: { code: 'en' } } }),
        'wabaPayload.template.name is required',
      ],
      [
        'a template component of an unknown type',
        message({ type: 'template', template: { name: 'n', language: { code: 'en' }, components: [{ type: 'footer' }] } }),
        'wabaPayload.template.components[0].type must be one of: header, body, button',
      ],
      [
        'a button index of two digits',
        message({ type: 'template', template: { name: 'n', language: { code: 'en' }, components: [{ type: 'button', index: '12' }] } }),
        'wabaPayload.template.components[0].index must be a string matching ^[0-9]$ or an integer from 0 to 9',
      ],
      [
        'four reply buttons',
        interactive({ type: 'button', body: { text: 'b' }, action: { buttons: [reply, reply, reply, reply] } }),
        'wabaPayload.interactive.action.buttons must have at most 3 items',
      ],
      [
        'a button title over 20 characters',
        interactive({
          type: 'button',
          body: { text: 'b' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] },
        }),
        'wabaPayload.interactive.action.buttons[0].reply.title must be at most 20 characters long',
      ],
      [
        'a header of an unknown type',
        interactive({ type: 'button', header: { type: 'banner' }, body: { text: 'b' }, action: { buttons: [reply] } }),
        'wabaPayload.interactive.header.type must be one of: text, video, image, document',
      ],
      [
        'a flow with both id and name',
        interactive({
          type: 'flow',
          body: { text: 'b' },
          action: { name: 'flow', parameters: { flow_message_version: '3', flow_cta: 'Go', flow_id: '1', flow_name: 'f' } },
        }),
        'wabaPayload.interactive.action.parameters must have only one of: flow_id | flow_name',
      ],
      [
        'a flow of another message version',
        interactive({
          type: 'flow',
          body: { text: 'b' },
          action: { name: 'flow', parameters: { flow_message_version: '2', flow_cta: 'Go', flow_id: '1' } },
        }),
        'wabaPayload.interactive.action.parameters.flow_message_version must be one of: 3',
      ],
      [
        'an action of no known form',
        interactive({ type: 'button', body: { text: 'b' }, action: {} }),
        'wabaPayload.interactive.action needs one of: button and sections | buttons | catalog_id | name=catalog_message and parameters | name=flow and parameters | name=call_permission_request | name=cta_url and parameters | name=send_location | name=address_message and parameters | name=review_and_pay and parameters | name=review_order and parameters',
      ],
      [
        'a cta_url action without url',
        interactive({ type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: 'Go' } } }),
        'wabaPayload.interactive.action.parameters.url is required',
      ],
      [
        'a typing indicator of another type',
        { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.x', typing_indicator: { type: 'audio' } },
        'wabaPayload.typing_indicator.type must be "text"',
      ],
      [
        'a recipient on a mark-as-read',
        { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.x', to: '+1' },
        'wabaPayload.to is not allowed',
      ],
    ])('%s', (_name, payload, problem) => {
      expect(problemsOf(payload)).toEqual([problem]);
    });
  });

  describe('message types', () => {
    it('takes a body without type as text, as Meta does', () => {
      expect(validator.validate(message({ text: { body: 'hi' } }))).toEqual({ ok: true, messageType: 'text' });
      expect(problemsOf(message({}))).toEqual(['wabaPayload.text is required']);
    });

    it('takes a body without type and text whose one content is another type as that type', () => {
      expect(validator.validate(message({ image: { id: '1' } }))).toEqual({ ok: true, messageType: 'image' });
      expect(problemsOf(message({ image: { id: '1' }, video: { id: '2' } }))).toEqual([
        'wabaPayload.text is required',
        'wabaPayload.image is not allowed',
        'wabaPayload.video is not allowed',
      ]);
    });

    it('refuses a content object of another type than the one named', () => {
      expect(problemsOf(message({ type: 'text', text: { body: 'x' }, image: { id: '1' } }))).toEqual(['wabaPayload.image is not allowed']);
    });

    it('names an unknown type without quoting anything but a short name', () => {
      expect(problemsOf(message({ type: 'a long text that someone put in type' }))[0]).toMatch(
        /^wabaPayload\.type \(string\) is not one of: text, audio/,
      );
      expect(problemsOf(message({ type: { nested: true } }))[0]).toMatch(/^wabaPayload\.type \(object\) is not one of/);
    });
  });

  it('describes a wrong type once, not the checks below it', () => {
    expect(problemsOf(message({ type: 'interactive', interactive: 'a button' }))).toEqual(['wabaPayload.interactive must be an object']);
    expect(problemsOf(message({ type: 'image', image: ['https://cdn.example.com/a.png'] }))).toEqual([
      'wabaPayload.image must be an object',
    ]);
  });
});
