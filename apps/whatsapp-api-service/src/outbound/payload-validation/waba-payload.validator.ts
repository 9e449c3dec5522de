import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import { MARK_AS_READ_SCHEMA } from './mark-as-read.schema';
import { HTTP_URL_FORMAT, isHttpUrl, META_DOCUMENTED_LIMITS } from './meta-documented-limits';
import { correctedMetaSchemas, META_MESSAGE_CORRECTIONS, MetaMessageCorrection } from './meta-message-corrections';
import { SchemaNode } from './schema-node';
import { BranchValidators, ProblemDescriber } from './validation-problems';
import { VENDORED_META_SCHEMAS } from './vendored-meta-schemas';

/** Metric/log label of a mark-as-read request, which has no `type`. */
export const MARK_AS_READ = 'mark_as_read';

export type PayloadVerdict = { ok: true; messageType: string } | { ok: false; problems: string[] };

const META_SCHEMAS = 'meta-business-messaging';
/** OpenAPI keywords that are annotations to JSON Schema; `components` holds the schemas themselves. */
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'components'];
/** Formats the description names: annotations in JSON Schema 2020-12, left unchecked as the description leaves them. */
const ANNOTATION_FORMATS = { url: true, uri: true, email: true, date: true } as const;

/**
 * Checks a `wabaPayload` as Meta does, with validators compiled once from Meta's OpenAPI description
 * (v23.0, vendored in `meta-openapi/`): per `type`, the description's schema for it, as corrected in
 * `meta-message-corrections.ts`, together with `META_DOCUMENTED_LIMITS`; mark-as-read against its own
 * schema. Building it fails if a type of the description's `Message` has no schema.
 */
export class WabaPayloadValidator {
  /** The description's message types, in its order. */
  readonly messageTypes: readonly string[];
  private readonly byType: ReadonlyMap<string, ValidateFunction>;
  private readonly markAsRead: ValidateFunction;
  private readonly describer: ProblemDescriber;

  constructor(corrections: readonly MetaMessageCorrection[] = META_MESSAGE_CORRECTIONS) {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      strictTypes: false,
      formats: { ...ANNOTATION_FORMATS, [HTTP_URL_FORMAT]: isHttpUrl },
    });
    ajv.addVocabulary(OPENAPI_KEYWORDS);
    const schemas = correctedMetaSchemas(VENDORED_META_SCHEMAS, corrections);
    ajv.addSchema({ $id: META_SCHEMAS, components: { schemas } });
    const mapping = schemas.Message.discriminator?.mapping;
    if (!mapping) throw new Error("Meta's Message schema names no message types (discriminator.mapping)");
    this.messageTypes = Object.keys(mapping);
    this.byType = new Map(
      Object.entries(mapping).map(([type, ref]) => [
        type,
        ajv.compile({ allOf: [{ $ref: `${META_SCHEMAS}${ref}` }, META_DOCUMENTED_LIMITS] }),
      ]),
    );
    this.markAsRead = ajv.compile(MARK_AS_READ_SCHEMA);
    this.describer = new ProblemDescriber(branchValidators(ajv, schemas));
  }

  validate(payload: Record<string, unknown>): PayloadVerdict {
    const messageType = this.messageTypeOf(payload);
    const validate = messageType === MARK_AS_READ ? this.markAsRead : typeof messageType === 'string' && this.byType.get(messageType);
    if (!validate) return { ok: false, problems: [this.unknownType(messageType)] };
    if (validate(payload)) return { ok: true, messageType: messageType as string };
    return { ok: false, problems: this.describer.describe(validate.errors ?? [], 'wabaPayload') };
  }

  /**
   * A body with `status` is a mark-as-read. Without `type`, Meta sends a body as text; Meta's document
   * also publishes a reply to a list without `type` ("Send Reply to List Message"), so a body without
   * `type` and `text` whose one content object is another type's is checked as that type (Meta's
   * answer to it decides, and a refusal comes back as Meta's own error).
   */
  private messageTypeOf(payload: Record<string, unknown>): unknown {
    if (payload.status !== undefined) return MARK_AS_READ;
    if (payload.type !== undefined) return payload.type;
    const contents = this.messageTypes.filter((type) => type !== 'text' && payload[type] !== undefined);
    return payload.text === undefined && contents.length === 1 ? contents[0] : 'text';
  }

  private unknownType(type: unknown): string {
    const shown = typeof type === 'string' && /^[\w-]{0,40}$/.test(type) ? `'${type}'` : `(${typeof type})`;
    return `wabaPayload.type ${shown} is not one of: ${this.messageTypes.join(', ')}`;
  }
}

/** Every `oneOf` / `anyOf` branch of the corrected schemas as a validator of its own, for the describer. */
function branchValidators(ajv: Ajv2020, schemas: Record<string, SchemaNode>): BranchValidators {
  const found = new Map<string, ValidateFunction[]>();
  const visit = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${pointer}/${i}`));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if ((key === 'oneOf' || key === 'anyOf') && Array.isArray(value)) {
        found.set(
          JSON.stringify(value),
          value.map((_branch, i) => ajv.compile({ $ref: `${META_SCHEMAS}#${at}/${i}` })),
        );
      }
      visit(value, at);
    }
  };
  visit(schemas, '/components/schemas');
  return found;
}
