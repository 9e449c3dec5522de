import { resolve } from 'node:path';
import { MARK_AS_READ_SCHEMA } from '../../apps/whatsapp-api-service/src/outbound/payload-validation/mark-as-read.schema';
import { META_DOCUMENTED_LIMITS } from '../../apps/whatsapp-api-service/src/outbound/payload-validation/meta-documented-limits';
import { META_MESSAGE_CORRECTIONS } from '../../apps/whatsapp-api-service/src/outbound/payload-validation/meta-message-corrections';
import vendored from '../../apps/whatsapp-api-service/src/outbound/payload-validation/meta-openapi/message.schema.json';
import { AsyncApiDocument, Json } from './asyncapi-document';

/** Meta's schemas as the validator imports them. */
export const VENDORED_MESSAGE_SCHEMA_FILE = resolve(
  __dirname,
  '../../apps/whatsapp-api-service/src/outbound/payload-validation/meta-openapi/message.schema.json',
);
const MESSAGE_REF = '#/components/schemas/Message';

/**
 * Where the document's `wabaPayload` and what the payload validator compiles disagree: the message
 * option must be Meta's vendored `Message` (the very file the validator imports) with
 * `MetaDocumentedLimits`, equal to the code's limits; `MarkAsRead` must equal the code's schema; and
 * `x-meta-schema-corrections` must name the code's corrections, in order. Descriptions are ignored.
 */
export function payloadSchemaDrift(document: AsyncApiDocument): string[] {
  const wabaPayload = document.raw.components.schemas.OutboundEnvelope.properties.wabaPayload as Json;
  const options: Json[] = wabaPayload.oneOf ?? [];
  const problems: string[] = [];
  const messageOption = options.find((option) => Array.isArray(option.allOf));
  const markAsReadOption = options.find((option) => option.$ref === '#/components/schemas/MarkAsRead');
  if (options.length !== 2 || !messageOption || !markAsReadOption) {
    return ['wabaPayload must be oneOf [allOf [Meta’s Message, MetaDocumentedLimits], MarkAsRead]'];
  }

  const [message, limits] = (messageOption.allOf as Json[]).map((part) => String(part.$ref));
  if (document.fileOf(message) !== VENDORED_MESSAGE_SCHEMA_FILE || !message.endsWith(MESSAGE_REF)) {
    problems.push(`the message option must reference the vendored ${MESSAGE_REF}, not ${message}`);
  } else {
    problems.push(...differences(document.pointer(message), vendored.components.schemas.Message, 'Message'));
  }
  if (limits !== '#/components/schemas/MetaDocumentedLimits') {
    problems.push(`the message option must add #/components/schemas/MetaDocumentedLimits, not ${limits}`);
  } else {
    problems.push(...differences(withoutDescriptions(document.pointer(limits)), META_DOCUMENTED_LIMITS, 'MetaDocumentedLimits'));
  }
  problems.push(...differences(withoutDescriptions(document.pointer(markAsReadOption.$ref)), MARK_AS_READ_SCHEMA, 'MarkAsRead'));

  const documented = Object.keys(wabaPayload['x-meta-schema-corrections'] ?? {});
  const applied = META_MESSAGE_CORRECTIONS.map((correction) => correction.id);
  if (documented.join() !== applied.join()) {
    problems.push(`x-meta-schema-corrections names [${documented.join(', ')}] but the validator applies [${applied.join(', ')}]`);
  }
  return problems;
}

/** Each place where the document's value and the code's differ, as `where: document … but code …`. */
function differences(documented: unknown, code: unknown, where: string): string[] {
  if (isObject(documented) && isObject(code)) {
    const keys = [...new Set([...Object.keys(documented), ...Object.keys(code)])];
    return keys.flatMap((key) => differences(documented[key], code[key], `${where}.${key}`));
  }
  if (Array.isArray(documented) && Array.isArray(code) && documented.length === code.length) {
    return documented.flatMap((item, i) => differences(item, code[i], `${where}[${i}]`));
  }
  return JSON.stringify(documented) === JSON.stringify(code)
    ? []
    : [`${where}: the document says ${JSON.stringify(documented) ?? 'nothing'} but the code ${JSON.stringify(code) ?? 'nothing'}`];
}

function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).flatMap(([key, value]) => (key === 'description' ? [] : [[key, withoutDescriptions(value)]])),
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
