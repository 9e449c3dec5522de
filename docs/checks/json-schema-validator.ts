import Ajv, { ValidateFunction } from 'ajv';
import { Json } from './asyncapi-document';

/** RFC 3339 date-time: seconds (00–59, no leap second), an optional fraction and a zone. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
}

function isAbsoluteUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

/**
 * A validator of one schema of an AsyncAPI document's `components`, as a JSON Schema (draft-07, the
 * AsyncAPI schema format's base) validator reads it: local `$ref`s resolved, `date-time` and `uri` formats
 * by their RFC, unknown keywords (`x-…`, `examples`) ignored.
 */
export function componentValidator(components: Json, schemaName: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', isDateTime);
  ajv.addFormat('uri', isAbsoluteUri);
  ajv.addSchema({ $id: 'document', components });
  const validate = ajv.getSchema(`document#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`#/components/schemas/${schemaName} is not in the document`);
  return validate;
}
