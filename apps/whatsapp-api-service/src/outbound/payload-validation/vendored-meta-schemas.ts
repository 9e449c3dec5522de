import vendored from './meta-openapi/message.schema.json';
import { SchemaNode } from './schema-node';

const document: unknown = vendored;

/** Meta's `Message` schema and the schemas it references, as vendored, typed as the schema nodes they are. */
export const VENDORED_META_SCHEMAS: Readonly<Record<string, SchemaNode>> = (
  document as { components: { schemas: Record<string, SchemaNode> } }
).components.schemas;

/** Where they come from: repository, file, version (v23.0) and licence. */
export const VENDORED_META_SOURCE = vendored.source;
