/**
 * Regenerates the whatsapp-api-service's copy of Meta's `Message` schema, and the send-message request
 * examples its tests replay, from a copy of Meta's OpenAPI description of the Business Messaging API
 * (repository facebook/openapi, MIT). Not run by CI: run it by hand when moving to a newer description,
 * then review the diff and the corrections in `meta-message-corrections.ts`.
 *
 *   npx ts-node scripts/extract-meta-message-schema.ts path/to/business-messaging-api_v23.0.yaml
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

const TARGET = join(__dirname, '../apps/whatsapp-api-service/src/outbound/payload-validation/meta-openapi');
const SEND_MESSAGE = '/{Version}/{Phone-Number-ID}/messages';
const REF_PREFIX = '#/components/schemas/';

type Json = Record<string, any>;

/** `Message` and every schema it references, directly or not, unchanged and in the document's order. */
function messageSchemas(schemas: Json): Json {
  const needed = new Set<string>(['Message']);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
        const name = value.slice(REF_PREFIX.length);
        // A discriminator mapping may name schemas the document never defines; only real ones are copied.
        if (!needed.has(name) && schemas[name]) {
          needed.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(schemas.Message);
  return Object.fromEntries(Object.keys(schemas).flatMap((name) => (needed.has(name) ? [[name, schemas[name]]] : [])));
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: extract-meta-message-schema.ts <business-messaging-api OpenAPI YAML>');
  const document = parse(readFileSync(file, 'utf8')) as Json;
  const version: string = document.info?.version;
  const source = { repository: 'facebook/openapi', file: basename(file), openapi: document.openapi, version, license: 'MIT' };
  const notice = `Copyright (c) Meta Platforms, Inc. and affiliates. MIT licence: see LICENSE beside this file.`;

  const schemas = messageSchemas(document.components.schemas);
  writeFileSync(
    join(TARGET, 'message.schema.json'),
    `${JSON.stringify(
      {
        $comment: `Meta's Message schema and the schemas it references, copied unchanged from components.schemas of ${source.file} (${version}). ${notice} Regenerate with scripts/extract-meta-message-schema.ts.`,
        source,
        components: { schemas },
      },
      null,
      2,
    )}\n`,
  );

  const examples = document.paths[SEND_MESSAGE].post.requestBody.content['application/json'].examples as Record<string, { value: Json }>;
  writeFileSync(
    join(TARGET, 'send-message-examples.json'),
    `${JSON.stringify(
      {
        $comment: `Every request example of paths['${SEND_MESSAGE}'].post in ${source.file} (${version}), copied unchanged. ${notice}`,
        source,
        examples: Object.fromEntries(Object.entries(examples).map(([name, example]) => [name, example.value])),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`${Object.keys(schemas).length} schemas and ${Object.keys(examples).length} examples of ${version} written to ${TARGET}`);
}

main();
