import { FieldCheck, FieldRules } from '../../apps/whatsapp-api-service/src/outbound/envelope-metadata';
import { AsyncApiDocument, Json } from './asyncapi-document';

/** How each check shows in a JSON schema. */
const RULES: Record<FieldCheck['name'], (schema: Json, constraint: FieldCheck['constraint']) => boolean> = {
  isString: (schema) => hasType(schema, 'string'),
  isInt: (schema) => hasType(schema, 'integer'),
  isNotEmpty: (schema) => schema.minLength === 1 || !hasType(schema, 'string'),
  maxLength: (schema, max) => schema.maxLength === max,
  min: (schema, min) => schema.minimum === min,
  matches: (schema, pattern) => schema.pattern === (pattern instanceof RegExp ? pattern.source : pattern),
  isTimestamp: (schema) =>
    JSON.stringify(schema.oneOf?.map((option: Json) => option.type)) === '["string","number"]' && schema.oneOf[0].format === 'date-time',
};

function hasType(schema: Json, type: string): boolean {
  return Array.isArray(schema.type) ? schema.type.includes(type) : schema.type === type;
}

/**
 * Where a documented object schema and the field rules that check the same JSON disagree: fields
 * checked but not documented (or the reverse), required vs optional, and each check's counterpart in
 * the field's schema. `checker` names the rules' owner in the problems.
 */
export function fieldRulesDrift(
  document: AsyncApiDocument,
  rules: readonly FieldRules[],
  node: Json,
  path: string,
  checker: string,
): string[] {
  const schema = document.flatten(node);
  const documented = Object.keys(schema.properties ?? {});
  const checked = rules.map((rule) => rule.field as string);
  const problems: string[] = documented
    .filter((field) => !checked.includes(field))
    .map((field) => `${path}.${field} is documented but ${checker} does not check it`);
  for (const { field, optional, checks } of rules) {
    const where = `${path}.${field}`;
    if (!documented.includes(field)) {
      problems.push(`${where} is checked by ${checker} but not documented`);
      continue;
    }
    const inCode = optional ? 'optional' : 'required';
    const inSchema = (schema.required ?? []).includes(field) ? 'required' : 'optional';
    if (inCode !== inSchema) problems.push(`${where} is ${inCode} in ${checker} but ${inSchema} in the document`);
    const fieldSchema = document.flatten(schema.properties[field]);
    for (const check of checks) {
      if (!RULES[check.name](fieldSchema, check.constraint)) {
        const constraint = check.constraint instanceof RegExp ? check.constraint.source : check.constraint;
        problems.push(`${where}: the document does not say ${check.name}(${constraint === undefined ? '' : JSON.stringify(constraint)})`);
      }
    }
  }
  return problems;
}
