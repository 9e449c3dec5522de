import { correctedMetaSchemas, META_MESSAGE_CORRECTIONS } from './meta-message-corrections';
import { SEND_MESSAGE_EXAMPLES } from './meta-openapi/send-message-examples.fixture';
import { VENDORED_META_SCHEMAS } from './vendored-meta-schemas';
import { WabaPayloadValidator } from './waba-payload.validator';

const validator = new WabaPayloadValidator();
const message = (fields: Record<string, unknown>) => ({ messaging_product: 'whatsapp', to: '+4915112345678', ...fields });

function problemsOf(payload: Record<string, unknown>, against = validator): string[] {
  const verdict = against.validate(payload);
  return verdict.ok ? [] : verdict.problems;
}

describe('corrections of Meta’s description', () => {
  /** For each correction, a message Meta accepts that the description refuses without it. */
  const NEEDS: Record<string, Record<string, unknown>> = {
    'closed-objects-see-all-their-parts': SEND_MESSAGE_EXAMPLES['Send Text Message'],
    'recipient-type-optional': SEND_MESSAGE_EXAMPLES['Send Contact Message'],
    'type-optional': SEND_MESSAGE_EXAMPLES['Send Text Message with Preview URL'],
    'biz-opaque-callback-data': message({ type: 'text', text: { body: 'hi' }, biz_opaque_callback_data: 'ticket-42' }),
    'interactive-types': SEND_MESSAGE_EXAMPLES['Send Order Status Message'],
    'interactive-actions': SEND_MESSAGE_EXAMPLES['Send Order Details Message'],
    'location-coordinates-are-numbers': SEND_MESSAGE_EXAMPLES['Send Location Message'],
    'language-policy-optional': SEND_MESSAGE_EXAMPLES['Send Message Template Text'],
    'template-button-index': SEND_MESSAGE_EXAMPLES['Send Message Template Interactive'],
    'template-button-sub-type': SEND_MESSAGE_EXAMPLES['Send Catalog Template Message'],
  };

  it('has a case for each correction', () => {
    expect(Object.keys(NEEDS).sort()).toEqual(META_MESSAGE_CORRECTIONS.map((correction) => correction.id).sort());
  });

  it.each(META_MESSAGE_CORRECTIONS.map((correction) => correction.id))('needs %s', (id) => {
    const without = new WabaPayloadValidator(META_MESSAGE_CORRECTIONS.filter((correction) => correction.id !== id));
    expect(problemsOf(NEEDS[id], without)).not.toEqual([]);
    expect(problemsOf(NEEDS[id])).toEqual([]);
  });

  it('leaves the vendored schemas as Meta wrote them', () => {
    const before = JSON.stringify(VENDORED_META_SCHEMAS);
    correctedMetaSchemas(VENDORED_META_SCHEMAS);
    expect(JSON.stringify(VENDORED_META_SCHEMAS)).toBe(before);
  });
});
