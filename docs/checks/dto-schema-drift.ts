import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { AsyncApiDocument, Json } from './asyncapi-document';

/** Where `@Type(() => Dto)` is kept; class-transformer does not export it from its main entry. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a deep CommonJS path without typings of its own
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

type DtoClass = abstract new (...args: never[]) => object;

type Requirement = 'required' | 'optional' | 'conditional';

/** How each class-validator check shows in a JSON schema; a check without a rule is reported, so none is missed. */
const RULES: Record<string, (schema: Json, constraints: any[]) => boolean> = {
  isString: (schema) => hasType(schema, 'string'),
  isNumber: (schema) => hasType(schema, 'number'),
  isInt: (schema) => hasType(schema, 'integer'),
  isBoolean: (schema) => hasType(schema, 'boolean'),
  isArray: (schema) => hasType(schema, 'array'),
  isObject: (schema) => hasType(schema, 'object'),
  isNotEmpty: (schema) => schema.minLength === 1 || !hasType(schema, 'string'),
  maxLength: (schema, [max]) => schema.maxLength === max,
  arrayMinSize: (schema, [min]) => schema.minItems === min,
  min: (schema, [min]) => schema.minimum === min,
  equals: (schema, [value]) => schema.const === value,
  isIn: (schema, [values]) => JSON.stringify(schema.enum) === JSON.stringify(values),
  matches: (schema, [pattern]) => schema.pattern === (pattern instanceof RegExp ? pattern.source : pattern),
  isTimestamp: (schema) =>
    JSON.stringify(schema.oneOf?.map((option: Json) => option.type)) === '["string","number"]' && schema.oneOf[0].format === 'date-time',
};

function hasType(schema: Json, type: string): boolean {
  return Array.isArray(schema.type) ? schema.type.includes(type) : schema.type === type;
}

function validationsOf(dto: DtoClass): Map<string, ValidationMetadata[]> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  }
  return byProperty;
}

function requirementInDto(validations: ValidationMetadata[]): Requirement {
  const conditions = validations.filter((v) => v.type === 'conditionalValidation');
  if (conditions.some((v) => v.name === 'isOptional')) return 'optional';
  return conditions.length > 0 ? 'conditional' : 'required';
}

function requirementInSchema(schema: Json, property: string): Requirement {
  if ((schema.required ?? []).includes(property)) return 'required';
  const branches: Json[] = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return branches.some((branch) => (branch.required ?? []).includes(property)) ? 'conditional' : 'optional';
}

/**
 * Where a documented schema and the DTO class that validates the same JSON disagree: properties
 * validated but not documented (or the reverse), required vs optional vs conditional, and each
 * validation's counterpart in the schema. Nested DTOs (`@ValidateNested` + `@Type`) are compared too.
 */
export function dtoSchemaDrift(document: AsyncApiDocument, dto: DtoClass, node: Json, path: string): string[] {
  const schema = document.flatten(node);
  const validations = validationsOf(dto);
  const documented = Object.keys(schema.properties ?? {});
  const problems: string[] = documented
    .filter((p) => !validations.has(p))
    .map((p) => `${path}.${p} is documented but ${dto.name} does not validate it`);
  for (const [property, checks] of validations) {
    const where = `${path}.${property}`;
    if (!documented.includes(property)) {
      problems.push(`${where} is validated by ${dto.name} but not documented`);
      continue;
    }
    const inDto = requirementInDto(checks);
    const inSchema = requirementInSchema(schema, property);
    if (inDto !== inSchema) problems.push(`${where} is ${inDto} in ${dto.name} but ${inSchema} in the document`);
    const propertySchema = document.flatten(schema.properties[property]);
    for (const check of checks) {
      if (check.type === 'conditionalValidation') continue;
      if (check.type === 'nestedValidation') {
        const nested = defaultMetadataStorage.findTypeMetadata(dto, property)?.typeFunction() as DtoClass | undefined;
        if (!nested) problems.push(`${where}: nested validation without @Type in ${dto.name}`);
        else problems.push(...dtoSchemaDrift(document, nested, check.each ? propertySchema.items : propertySchema, where));
        continue;
      }
      const rule = check.name ? RULES[check.name] : undefined;
      if (!rule) problems.push(`${where}: no rule to compare '${check.name ?? check.type}' with the document`);
      else if (!rule(check.each ? document.flatten(propertySchema.items ?? {}) : propertySchema, check.constraints ?? [])) {
        problems.push(`${where}: the document does not say ${check.name}(${JSON.stringify(check.constraints ?? [])})`);
      }
    }
  }
  return problems;
}
