import { outboundEnvelope, SeededRandom, WABA_PAYLOAD_SAMPLES, WabaPayloadKind } from '@lib/testing';
import { gzipSync } from 'node:zlib';

export interface FuzzTenant {
  tenantId: string;
  phoneNumberId: string;
}

/** What a fuzzed message must end as: sent once to `to`, or dead-lettered with this category and reason. */
export type FuzzExpectation = { outcome: 'sent'; to: string } | { outcome: 'dead-lettered'; category: string; reason: RegExp };

export interface FuzzCase {
  /** AMQP `messageId`, kept on the dead-letter copy: how a refused message is found again. */
  id: string;
  kind: string;
  body: Buffer;
  /** Tenant named by the routing key `outbound.processed.{routingTenant}`. */
  routingTenant: string;
  contentType?: string;
  contentEncoding?: string;
  expect: FuzzExpectation;
}

export interface FuzzOptions {
  seed: number;
  bad: number;
  good: number;
  /** Registered tenants; at least two (a foreign phone number needs a second tenant). */
  tenants: FuzzTenant[];
  /** Recipients are `${recipientPrefix}` plus a counter, so each good message's sends can be found. */
  recipientPrefix: string;
  messageMaxBytes: number;
}

type Envelope = ReturnType<typeof outboundEnvelope> & { metadata: Record<string, unknown>; wabaPayload: Record<string, any> };
type BadInput = Omit<FuzzCase, 'id' | 'kind' | 'expect' | 'routingTenant'> & { routingTenant?: string; category?: string; reason: RegExp };

const INVALID = 'INVALID_ENVELOPE';
const SENDABLE_KINDS = (Object.keys(WABA_PAYLOAD_SAMPLES) as WabaPayloadKind[]).filter((kind) => kind !== 'markAsRead');

/**
 * A deterministic mix of hostile and valid `outbound-processed` messages: every bad input is one the
 * service must dead-letter with a reason (and never send); every good one must be sent exactly once.
 */
export function fuzzedEnvelopes(options: FuzzOptions): FuzzCase[] {
  const random = new SeededRandom(options.seed);
  const [home, other] = options.tenants;
  let recipients = 0;
  const nextRecipient = () => `${options.recipientPrefix}${String((recipients += 1)).padStart(7, '0')}`;
  const envelope = (tenant = random.pick(options.tenants), kind: WabaPayloadKind = random.pick(SENDABLE_KINDS)): Envelope => {
    const to = nextRecipient();
    return outboundEnvelope({
      ...tenant,
      to,
      internalId: `fuzz-${random.string(12)}`,
      wabaPayload: { ...WABA_PAYLOAD_SAMPLES[kind](to) },
    });
  };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const field = (reason: string) => new RegExp(reason);

  const badInputs: Record<string, () => BadInput> = {
    'not-json': () => ({
      body: Buffer.from(
        random.pick(['hello', '{metadata: 1}', "{'a': 1}", '{"metadata":', 'NaN', '{"a":1}}', random.string(200, 'abc{}[]":, \n')]),
      ),
      reason: /not JSON/,
    }),
    'empty-body': () => ({ body: Buffer.alloc(0), reason: /not JSON/ }),
    'top-level-not-object': () => ({
      body: Buffer.from(random.pick(['[]', '[1,2,3]', 'null', '42', '-1e308', '"an envelope"', 'true', JSON.stringify([envelope()])])),
      reason: /must be a JSON object/,
    }),
    'invalid-utf8': () => {
      const bytes = json(envelope());
      const at = random.int(bytes.length);
      const bad = Buffer.from(
        random.pick([[0xc3, 0x28], [0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]),
      );
      return { body: Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]), reason: /not valid UTF-8/ };
    },
    'wrong-type': () => {
      const e = envelope(home, 'text');
      const [path, value, reason] = random.pick<[string, unknown, RegExp]>([
        ['metadata.tenantId', 123, field('tenantId')],
        ['metadata.phoneNumberId', 106540352242922, field('phoneNumberId')],
        ['metadata.internalId', { id: 1 }, field('internalId')],
        ['metadata.timestamp', 'yesterday', field('timestamp')],
        ['metadata.retryCount', -1, field('retryCount')],
        ['metadata', [1, 2], field('metadata')],
        ['wabaPayload', 'text', field('wabaPayload')],
        ['wabaPayload.to', 4915112345678, field('wabaPayload.to')],
        ['wabaPayload.text', ['Hi'], field('wabaPayload.text')],
        ['wabaPayload.text.body', 42, field('wabaPayload.text.body')],
        ['wabaPayload.messaging_product', 'sms', field('wabaPayload.messaging_product')],
      ]);
      return { body: json(setPath(e, path, value)), reason };
    },
    'missing-field': () => {
      const e = envelope(home, 'text');
      const [path, reason] = random.pick<[string, RegExp]>([
        ['metadata', field('metadata')],
        ['wabaPayload', field('wabaPayload')],
        ['metadata.tenantId', field('tenantId')],
        ['metadata.phoneNumberId', field('phoneNumberId')],
        ['metadata.internalId', field('internalId')],
        ['metadata.timestamp', field('timestamp')],
        ['wabaPayload.to', field('wabaPayload.to')],
        ['wabaPayload.messaging_product', field('messaging_product')],
        ['wabaPayload.text', field('wabaPayload.text')],
        ['wabaPayload.text.body', field('wabaPayload.text.body')],
      ]);
      return { body: json(setPath(e, path, undefined)), reason };
    },
    'huge-string': () => {
      const e = envelope(home, 'text');
      const [path, length, reason] = random.pick<[string, number, RegExp]>([
        ['wabaPayload.text.body', 4097 + random.int(200_000), field('wabaPayload.text.body must be at most 4096 characters long')],
        ['metadata.tenantId', 65 + random.int(50_000), field('tenantId')],
        ['metadata.internalId', 129 + random.int(50_000), field('internalId must be shorter')],
        ['wabaPayload.to', 129 + random.int(50_000), field('wabaPayload.to must be at most 128 characters long')],
      ]);
      return { body: json(setPath(e, path, 'x'.repeat(length))), reason };
    },
    'deep-nesting': () => {
      const depth = 33 + random.int(40_000);
      const open = random.chance(0.5) ? '['.repeat(depth) : '{"a":'.repeat(depth);
      const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
      const host = random.pick(['"text":{', '"metadata":{', '"body":']);
      const text = JSON.stringify(envelope(home, 'text')).replace(host, `"deep":${open}1${close},${host}`);
      return { body: Buffer.from(text), reason: /nests deeper than 32 levels/ };
    },
    oversized: () => {
      const e = envelope(home, 'text');
      e.wabaPayload.text.body = 'y'.repeat(options.messageMaxBytes + random.int(1024 * 1024 - options.messageMaxBytes));
      const body = json(e);
      return { body, reason: new RegExp(`^message is ${body.length} bytes, above the ${options.messageMaxBytes}-byte limit$`) };
    },
    'unknown-type': () => {
      const e = envelope(home, 'text');
      e.wabaPayload.type = random.pick(['hologram', 'TEXT', 'sms', '', 'order', 'markAsRead']);
      return { body: json(e), reason: /wabaPayload\.type '.*' is not one of/ };
    },
    'pollution-key': () => {
      const [key, spelling] = random.pick(POLLUTION_SPELLINGS);
      return {
        body: withPollutionKey(envelope(home, 'text'), spelling, random.pick(POLLUTION_HOSTS)),
        reason: new RegExp(`forbidden "${key}" key`),
      };
    },
    'wrong-content-type': () => {
      const [body, contentType, contentEncoding, reason] = random.pick<[Buffer, string, string | undefined, RegExp]>([
        [Buffer.from('<envelope><tenantId>acme</tenantId></envelope>'), 'application/xml', undefined, /not JSON/],
        [Buffer.from('tenantId=acme&to=%2B4915112345678&body=hi'), 'application/x-www-form-urlencoded', undefined, /not JSON/],
        [gzipSync(json(envelope(home))), 'application/json', 'gzip', /not valid UTF-8/],
        [Buffer.from(json(envelope(home)).toString('base64')), 'application/json', 'base64', /not JSON/],
      ]);
      return { body, contentType, contentEncoding, reason };
    },
    'bad-tenant-id': () => {
      const e = envelope(home, 'text');
      e.metadata.tenantId = random.pick([
        'acme.#',
        'acme.*',
        '../etc/passwd',
        'ácme',
        '',
        'acme space',
        'acme\u0000',
        'a'.repeat(65),
        'outbound.status.acme',
      ]);
      return { body: json(e), reason: /tenantId must be 1-64 letters, digits, _ or -/ };
    },
    'routing-key-tenant-mismatch': () => {
      const e = envelope(home, 'text');
      return { body: json(e), routingTenant: other.tenantId, reason: new RegExp(`routing key names tenant '${other.tenantId}'`) };
    },
    'unknown-tenant': () => {
      const stranger = { tenantId: `stranger-${random.string(6)}`, phoneNumberId: '900000000000009' };
      return { body: json(envelope(stranger, 'text')), routingTenant: stranger.tenantId, category: 'TENANT_NOT_FOUND', reason: /./ };
    },
    'foreign-phone-number': () => {
      const e = envelope(home, 'text');
      e.metadata.phoneNumberId = other.phoneNumberId;
      return {
        body: json(e),
        category: 'TENANT_MISMATCH',
        reason: new RegExp(`${other.phoneNumberId} is not the phone number of tenant '${home.tenantId}'`),
      };
    },
  };
  // Oversized messages are few (each is up to 1 MB through the broker); every other kind is equally likely.
  const kinds = Object.keys(badInputs).flatMap((kind) => (kind === 'oversized' ? [kind] : [kind, kind, kind]));

  const cases: FuzzCase[] = [];
  for (let i = 0; i < options.bad; i += 1) {
    const kind = random.pick(kinds);
    const { category, reason, routingTenant, ...input } = badInputs[kind]();
    cases.push({
      id: `fuzz-${options.seed}-bad-${i}`,
      kind,
      routingTenant: routingTenant ?? home.tenantId,
      ...input,
      expect: { outcome: 'dead-lettered', category: category ?? INVALID, reason },
    });
  }
  for (let i = 0; i < options.good; i += 1) {
    const tenant = random.pick(options.tenants);
    const e = envelope(tenant);
    // Content type is advisory: the body decides, so a mislabelled valid envelope is still sent.
    const contentType = random.pick(['application/json', 'application/json', 'text/plain', undefined]);
    if (random.chance(0.1)) e.metadata.unexpected = { note: 'ignored' };
    if (e.wabaPayload.type === 'text' && random.chance(0.2))
      e.wabaPayload.text.body = random.pick(['Grüße 👋🏽 — ¿qué tal?', 'z'.repeat(4096), '\u202eRTL\u0000nul']);
    // Meta sends a body without type as text.
    if (e.wabaPayload.type === 'text' && random.chance(0.1)) delete e.wabaPayload.type;
    cases.push({
      id: `fuzz-${options.seed}-good-${i}`,
      kind: 'good',
      body: json(e),
      routingTenant: tenant.tenantId,
      contentType,
      expect: { outcome: 'sent', to: e.wabaPayload.to },
    });
  }
  return shuffle(cases, random);
}

/** Each key that can reach a prototype, as JSON may spell it (escapes decode to the same key). */
export const POLLUTION_SPELLINGS: ReadonlyArray<[key: string, spelling: string]> = [
  ['__proto__', '"__proto__"'],
  ['__proto__', '"\\u005f_proto__"'],
  ['__proto__', '"\\u005F\\u005Fproto\\u005F\\u005F"'],
  ['constructor', '"constructor"'],
  ['constructor', '"\\u0063onstructor"'],
  ['prototype', '"prototype"'],
];

/** Where in an envelope's JSON text a pollution key is put: top level, metadata, the message content. */
export const POLLUTION_HOSTS = ['{', '"metadata":{', '"text":{'] as const;

/** A text envelope's JSON with `spelling` inserted after `host`, carrying what a polluted prototype would gain. */
export function withPollutionKey(envelope: unknown, spelling: string, host: (typeof POLLUTION_HOSTS)[number]): Buffer {
  const payload = spelling.includes('onstructor') ? '{"prototype":{"polluted":true,"isAdmin":true}}' : '{"polluted":true,"isAdmin":true}';
  return Buffer.from(JSON.stringify(envelope).replace(host, `${host}${spelling}:${payload},`));
}

function setPath(target: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((node, key) => node[key], target);
  if (value === undefined) delete parent[keys[keys.length - 1]];
  else parent[keys[keys.length - 1]] = value;
  return target;
}

function shuffle<T>(items: T[], random: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
