import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { HTTP_URL_FORMAT } from './meta-documented-limits';
import { SchemaNode } from './schema-node';

/** The branches of each `oneOf` / `anyOf`, compiled on their own, keyed by the branches' JSON. */
export type BranchValidators = ReadonlyMap<string, readonly ValidateFunction[]>;

const PLAIN_NAME = /^[A-Za-z0-9_$-]{1,40}$/;
const ARTICLE: Record<string, string> = { object: 'an object', array: 'an array', integer: 'an integer' };

/**
 * Turns ajv's errors into one sentence per problem, field by field (`wabaPayload.text.body is required`).
 * A failed `oneOf` is explained by the branch the value came closest to, found by validating each
 * branch on its own; when none comes close, by the forms it could have taken. Values are never quoted:
 * only field names the schema knows, the schema's limits and its allowed values.
 */
export class ProblemDescriber {
  constructor(private readonly branches: BranchValidators) {}

  describe(errors: readonly ErrorObject[], at: string): string[] {
    const problems: string[] = [];
    for (const error of relevant(errors)) {
      const where = at + pathOf(error.instancePath);
      if (error.keyword === 'oneOf' || error.keyword === 'anyOf') problems.push(...this.alternatives(error, where));
      else problems.push(sentence(error, where));
    }
    return [...new Set(problems)];
  }

  private alternatives(error: ErrorObject, where: string): string[] {
    const branches = error.schema as SchemaNode[];
    const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
    if (passing && passing.length > 1) return [`${where} must have only one of: ${forms(passing.map((i) => branches[i]))}`];
    const validators = this.branches.get(JSON.stringify(branches));
    if (!validators) return [`${where} matches none of the forms Meta accepts (${forms(branches)})`];
    const outcomes = validators.map((validate) => (validate(error.data) ? [] : [...(validate.errors ?? [])]));
    const scores = outcomes.map((errors) => [errors.filter(isShallow).length, errors.length]);
    const best = scores.reduce((chosen, score, i) => (compare(score, scores[chosen]) < 0 ? i : chosen), 0);
    if (scores[best][0] === 0) return this.describe(outcomes[best], where);
    const shallow = outcomes.flatMap((errors) => errors.filter(isShallow));
    if (shallow.every((e) => e.keyword === 'required')) return [`${where} needs one of: ${forms(branches)}`];
    const required = new Set(branches.flatMap((branch) => branch.required ?? []));
    if (shallow.every((e) => isExtraProperty(e) && required.has(extraProperty(e)))) {
      return [`${where} must have only one of: ${forms(branches)}`];
    }
    if (required.size === 0) return [`${where} must be ${forms(branches).replace(/ \| /g, ' or ')}`];
    return [`${where} matches none of the forms Meta accepts (${forms(branches)})`];
  }
}

/**
 * The errors worth a sentence: a wrong type hides everything at and below it, an `if` is reported by
 * its `then`, and a failed `oneOf`'s branch errors give way to the `oneOf` itself. Branch errors are
 * the run just before it below its value, or at its value from one of its branches.
 */
function relevant(errors: readonly ErrorObject[]): ErrorObject[] {
  const skipped = new Set<number>();
  errors.forEach((error, i) => {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') return;
    for (let j = i - 1; j >= 0 && within(errors[j].instancePath, error.instancePath); j -= 1) {
      const fromBranch = errors[j].instancePath !== error.instancePath || errors[j].schemaPath.startsWith(`${error.schemaPath}/`);
      if (fromBranch) skipped.add(j);
    }
  });
  const kept = errors.filter((error, i) => error.keyword !== 'if' && !skipped.has(i));
  const wrongType = kept.filter((e) => e.keyword === 'type').map((e) => e.instancePath);
  return kept.filter((error) => error.keyword === 'type' || !wrongType.some((path) => within(error.instancePath, path)));
}

/** The `params` of the ajv errors `sentence` words (ajv types them loosely). */
interface SentenceParams {
  missingProperty?: string;
  type?: string;
  limit?: number;
  allowedValues?: unknown[];
  allowedValue?: unknown;
  format?: string;
}

function sentence(error: ErrorObject, where: string): string {
  const params = error.params as SentenceParams;
  switch (error.keyword) {
    case 'required':
      return `${where}${member(String(params.missingProperty))} is required`;
    case 'type':
      return `${where} must be ${String(params.type)
        .split(',')
        .map((type) => ARTICLE[type] ?? `a ${type}`)
        .join(' or ')}`;
    case 'minLength':
      return params.limit === 1 ? `${where} must not be empty` : `${where} must be at least ${params.limit} characters long`;
    case 'maxLength':
      return `${where} must be at most ${params.limit} characters long`;
    case 'minItems':
      return `${where} must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `${where} must have at most ${params.limit} items`;
    case 'minimum':
      return `${where} must be at least ${params.limit}`;
    case 'maximum':
      return `${where} must be at most ${params.limit}`;
    case 'enum':
      return `${where} must be one of: ${(params.allowedValues ?? []).join(', ')}`;
    case 'const':
      return `${where} must be ${JSON.stringify(params.allowedValue)}`;
    case 'format':
      return params.format === HTTP_URL_FORMAT ? `${where} must be an http(s) URL` : `${where} must be a valid ${params.format}`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return PLAIN_NAME.test(extraProperty(error))
        ? `${where}${member(extraProperty(error))} is not allowed`
        : `${where} has a property that is not allowed`;
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

/** `/interactive/action/buttons/0/reply` → `.interactive.action.buttons[0].reply` */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : member(part)))
    .join('');
}

function member(name: string): string {
  return PLAIN_NAME.test(name) ? `.${name}` : '[…]';
}

/** `button and sections | buttons | name=cta_url and parameters`: what each form requires. */
function forms(branches: SchemaNode[]): string {
  return [...new Set(branches.map(formOf))].join(' | ');
}

function formOf(branch: SchemaNode): string {
  const required = branch.required ?? [];
  if (required.length > 0) {
    return required
      .map((name) => {
        const values = branch.properties?.[name]?.enum;
        return values?.length === 1 ? `${name}=${String(values[0])}` : name;
      })
      .join(' and ');
  }
  if (typeof branch.type !== 'string') return 'any value';
  const pattern = typeof branch.pattern === 'string' ? ` matching ${branch.pattern}` : '';
  const range = branch.minimum !== undefined && branch.maximum !== undefined ? ` from ${branch.minimum} to ${branch.maximum}` : '';
  return `${ARTICLE[branch.type] ?? `a ${branch.type}`}${pattern}${range}`;
}

/** An error about the value itself rather than something inside it (a discriminating field counts). */
function isShallow(error: ErrorObject): boolean {
  if (error.instancePath === '') return true;
  return error.instancePath.split('/').length === 2 && ['enum', 'const', 'type'].includes(error.keyword);
}

function isExtraProperty(error: ErrorObject): boolean {
  return error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties';
}

function extraProperty(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
  return params.additionalProperty ?? params.unevaluatedProperty ?? '';
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

function compare([a1, a2]: number[], [b1, b2]: number[]): number {
  return a1 - b1 || a2 - b2;
}
