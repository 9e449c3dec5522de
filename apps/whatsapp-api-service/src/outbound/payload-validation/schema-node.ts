/** A JSON Schema node as plain data, with the keywords this folder reads or writes spelled out. */
export interface SchemaNode {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: boolean | SchemaNode;
  unevaluatedProperties?: boolean;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
  discriminator?: { propertyName: string; mapping: Record<string, string> };
  [keyword: string]: unknown;
}
