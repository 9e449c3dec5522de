import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** The AsyncAPI document, read as plain data, with `$ref`s resolved on demand. */
export const ASYNCAPI_FILE = resolve(__dirname, '../asyncapi.yaml');

export type Json = Record<string, any>;

export class AsyncApiDocument {
  private readonly files = new Map<string, Json>();

  private constructor(
    readonly raw: Json,
    private readonly file: string,
  ) {}

  static load(file = ASYNCAPI_FILE): AsyncApiDocument {
    return new AsyncApiDocument(parse(readFileSync(file, 'utf8')), file);
  }

  /**
   * The node a `$ref` points at: local (`#/components/schemas/X`) or in a file beside the document
   * (`../path/schema.json#/components/schemas/X`, a copy the code uses too); throws if there is none.
   */
  pointer(ref: string): Json {
    const [file, fragment = ''] = ref.split('#');
    if (!fragment.startsWith('/')) throw new Error(`$ref ${ref} must point into a document (#/...)`);
    const root = file === '' ? this.raw : this.external(file);
    const node = fragment
      .slice(1)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((current, part) => current?.[part], root);
    if (node === undefined) throw new Error(`$ref ${ref} resolves to nothing`);
    return node;
  }

  /** The path of a file a `$ref` names, relative to the document. */
  fileOf(ref: string): string | undefined {
    const [file] = ref.split('#');
    return file === '' ? undefined : resolve(dirname(this.file), file);
  }

  private external(file: string): Json {
    const path = resolve(dirname(this.file), file);
    if (!this.files.has(path)) {
      let content: Json | undefined;
      try {
        content = parse(readFileSync(path, 'utf8'));
      } catch {
        content = undefined;
      }
      this.files.set(path, content ?? {});
    }
    return this.files.get(path)!;
  }

  /** Follows `$ref`s until a node without one. */
  resolve(node: Json): Json {
    let current = node;
    for (let hops = 0; current && typeof current.$ref === 'string'; hops += 1) {
      if (hops > 20) throw new Error(`$ref loop at ${current.$ref}`);
      current = this.pointer(current.$ref);
    }
    return current;
  }

  /**
   * A schema with `$ref`s followed and `allOf` parts merged (later parts refine a property of an
   * earlier one, e.g. `type: { const: text }` over the base's `type: { type: string }`).
   */
  flatten(node: Json): Json {
    const schema = this.resolve(node);
    if (!Array.isArray(schema.allOf)) return schema;
    const { allOf, ...own } = schema;
    return [...allOf.map((part: Json) => this.flatten(part)), own].reduce<Json>(
      (merged, part) => ({
        ...merged,
        ...part,
        properties: mergeProperties(merged.properties, part.properties),
        required: [...new Set([...(merged.required ?? []), ...(part.required ?? [])])],
      }),
      {},
    );
  }

  /** Every `$ref` anywhere in the document, with where it is. */
  refs(): { at: string; ref: string }[] {
    const found: { at: string; ref: string }[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}/${i}`));
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') found.push({ at, ref: value });
          else walk(value, `${at}/${key}`);
        }
      }
    };
    walk(this.raw, '#');
    return found;
  }

  /** Departures from the parts of AsyncAPI 3.0 this document uses; empty when none. */
  structureProblems(): string[] {
    const problems: string[] = [];
    const { asyncapi, info, channels = {}, operations = {}, components = {} } = this.raw;
    if (asyncapi !== '3.0.0') problems.push(`asyncapi must be '3.0.0', not ${asyncapi}`);
    if (!info?.title || !info?.version) problems.push('info needs a title and a version');
    for (const { at, ref } of this.refs()) {
      try {
        this.pointer(ref);
      } catch {
        problems.push(`${at}: $ref ${ref} resolves to nothing`);
      }
    }
    for (const [name, channel] of Object.entries<Json>(channels)) {
      if (typeof channel.address !== 'string') problems.push(`channel ${name} has no address`);
      const parameters = [...String(channel.address).matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = Object.keys(channel.parameters ?? {});
      if (parameters.sort().join() !== declared.sort().join())
        problems.push(`channel ${name}: address parameters [${parameters.join()}] but declares [${declared.join()}]`);
      if (Object.keys(channel.messages ?? {}).length === 0) problems.push(`channel ${name} has no messages`);
    }
    for (const [name, operation] of Object.entries<Json>(operations)) {
      if (!['send', 'receive'].includes(operation.action)) problems.push(`operation ${name}: action must be send or receive`);
      const channelRef: string | undefined = operation.channel?.$ref;
      if (!channelRef?.startsWith('#/channels/')) problems.push(`operation ${name} must reference a channel`);
      for (const message of operation.messages ?? []) {
        if (!channelRef || !String(message.$ref).startsWith(`${channelRef}/messages/`)) {
          problems.push(`operation ${name}: message ${message.$ref} is not one of its channel's messages`);
        }
      }
    }
    for (const [name, message] of Object.entries<Json>(components.messages ?? {})) {
      if (!message.payload) problems.push(`message ${name} has no payload`);
    }
    return problems;
  }
}

function mergeProperties(base: Json | undefined, refinement: Json | undefined): Json | undefined {
  if (!base && !refinement) return undefined;
  const merged: Json = { ...base };
  for (const [name, schema] of Object.entries(refinement ?? {})) merged[name] = { ...merged[name], ...schema };
  return merged;
}
