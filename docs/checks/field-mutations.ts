import { Json } from './asyncapi-document';

/** One sample changed in one place: a field removed, or set to another value. */
export interface Mutation {
  /** `genesysPayload.channel.from.id = ""`, `metadata.retryCount removed`. */
  name: string;
  value: Json;
}

const LONG = 'x'.repeat(300);
/** What a publisher might put in a field by mistake: each kind of JSON value, empty and over-long strings. */
const REPLACEMENTS: [label: string, value: unknown][] = [
  ['null', null],
  ['""', ''],
  ['a 300-character string', LONG],
  ['42', 42],
  ['-1', -1],
  ['true', true],
  ['{}', {}],
  ['[]', []],
];

/** Every path of a JSON value's objects and arrays, depth first: `a`, `a.b`, `a.list[0]`. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...paths(item, [...prefix, index])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...paths(item, [...prefix, key])]);
  }
  return [];
}

const nameOf = (path: (string | number)[]) =>
  path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('')
    .slice(1);

/**
 * `sample` changed every way at every field it has: removed (an array item too), and replaced by each
 * of REPLACEMENTS. Fields a sample leaves out are not invented: give samples with every optional field.
 */
export function fieldMutations(sample: Json): Mutation[] {
  return paths(sample).flatMap((path) => {
    const at = (copy: Json) => ({ parent: path.slice(0, -1).reduce<any>((node, part) => node[part], copy), key: path[path.length - 1] });
    const removed = structuredClone(sample);
    const { parent, key } = at(removed);
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return [
      { name: `${nameOf(path)} removed`, value: removed },
      ...REPLACEMENTS.map(([label, replacement]) => {
        const changed = structuredClone(sample);
        const target = at(changed);
        target.parent[target.key] = structuredClone(replacement);
        return { name: `${nameOf(path)} = ${label}`, value: changed };
      }),
    ];
  });
}
