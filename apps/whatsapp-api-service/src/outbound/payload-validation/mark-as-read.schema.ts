import { SchemaNode } from './schema-node';

/**
 * Mark-as-read, optionally with a typing indicator: not part of the description's `Message` schema,
 * so derived from its example "Send typing indicator and read receipt" and the fact sheet (§1.3):
 * no `to`, no `type`; `typing_indicator` is `{ "type": "text" }`.
 */
export const MARK_AS_READ_SCHEMA: SchemaNode = {
  type: 'object',
  required: ['messaging_product', 'status', 'message_id'],
  additionalProperties: false,
  properties: {
    messaging_product: { const: 'whatsapp' },
    status: { const: 'read' },
    message_id: { type: 'string', minLength: 1 },
    typing_indicator: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { const: 'text' } },
    },
  },
};
