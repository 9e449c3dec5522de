import { detailsConversationIdOf, genesysContextIdOf, openMessageIdsOf } from './genesys-answer.readers';

const MESSAGE_ID = '8d3f0c2b9a1e4f5d6c7b8a9e0f1d2c3b';
const CONVERSATION_ID = 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b';

describe('openMessageIdsOf', () => {
  it('reads the message id and, apart from it, the prefetched conversation id', () => {
    expect(openMessageIdsOf({ id: MESSAGE_ID, conversationId: CONVERSATION_ID, type: 'Text' })).toEqual({
      messageId: MESSAGE_ID,
      conversationId: CONVERSATION_ID,
    });
  });

  it('never takes the message id for the conversation id when Genesys gave none', () => {
    expect(openMessageIdsOf({ id: MESSAGE_ID, channel: { id: 'integration' }, type: 'Text' })).toEqual({ messageId: MESSAGE_ID });
  });

  it.each([
    ['no id', { conversationId: CONVERSATION_ID }],
    ['an id that is not a string', { id: 42 }],
    ['an id with a path in it', { id: '../x' }],
    ['an id with spaces', { id: 'a b' }],
    ['an endless id', { id: 'a'.repeat(129) }],
    ['not an object', 'ok'],
    ['an array', [MESSAGE_ID]],
    ['null', null],
  ])('is undefined for an answer with %s', (_case, body) => {
    expect(openMessageIdsOf(body)).toBeUndefined();
  });

  it('drops a conversation id that is not shaped like one', () => {
    expect(openMessageIdsOf({ id: MESSAGE_ID, conversationId: 'x\r\ny' })).toEqual({ messageId: MESSAGE_ID });
  });
});

describe('detailsConversationIdOf', () => {
  it('reads the conversation id of message details', () => {
    expect(detailsConversationIdOf({ id: MESSAGE_ID, conversationId: CONVERSATION_ID, direction: 'inbound' })).toBe(CONVERSATION_ID);
  });

  it.each([[{ id: MESSAGE_ID }], [{ conversationId: '' }], ['']])('is undefined without one: %j', (body) => {
    expect(detailsConversationIdOf(body)).toBeUndefined();
  });
});

describe('genesysContextIdOf', () => {
  it('prefers the ININ-Correlation-Id header, then the body', () => {
    expect(genesysContextIdOf({ headers: { 'inin-correlation-id': CONVERSATION_ID }, body: { contextId: 'other' } })).toBe(CONVERSATION_ID);
    expect(genesysContextIdOf({ headers: {}, body: { contextId: CONVERSATION_ID } })).toBe(CONVERSATION_ID);
  });

  it('is undefined for a repeated header and a body without one', () => {
    expect(genesysContextIdOf({ headers: { 'inin-correlation-id': ['a', 'b'] }, body: '<html></html>' })).toBeUndefined();
  });
});
