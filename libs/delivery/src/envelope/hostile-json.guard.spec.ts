import { hostileShapeOf, MAX_JSON_DEPTH } from './hostile-json.guard';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? { a: value } : [value];
  return value;
};

describe('hostileShapeOf', () => {
  it('lets an ordinary Cloud API body through', () => {
    const body = {
      metadata: { tenantId: 'acme' },
      wabaPayload: { type: 'interactive', interactive: { action: { sections: [{ rows: [{ id: 'a' }] }] } } },
    };
    expect(hostileShapeOf(body)).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a "%s" key at any depth, however it was escaped', (key) => {
    const escaped = `{"wabaPayload":{"text":[{"\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}":{"polluted":true}}]}}`;
    expect(hostileShapeOf(JSON.parse(escaped))).toBe(`message contains a forbidden "${key}" key`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nesting beyond the limit without overflowing the stack', () => {
    expect(hostileShapeOf(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(hostileShapeOf(nested(MAX_JSON_DEPTH + 1))).toBe(`message nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(hostileShapeOf(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toMatch(/deeper than/);
  });
});
