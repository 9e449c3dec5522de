import { locateJsonSyntaxError } from './json-syntax-error';

describe(locateJsonSyntaxError.name, () => {
  it.each([
    ['hello', 'unexpected character', 0],
    ['', 'unexpected end of input', 0],
    ['{"metadata":', 'unexpected end of input', 12],
    ['{metadata: 1}', 'expected a property name in double quotes', 1],
    ["{'a': 1}", 'expected a property name in double quotes', 1],
    ['{"a":1}}', 'unexpected character after the JSON value', 7],
    ['[1,]', 'unexpected character', 3],
    ['{"a":1,}', 'expected a property name in double quotes', 7],
    ['{"a" 1}', "expected ':' after a property name", 5],
    ['{"a": tru}', 'unexpected character', 6],
    ['{"a":01}', "expected ',' or '}'", 6],
    ['[1 2]', "expected ',' or ']'", 3],
    ['"abc', 'unterminated string', 4],
    ['{"a":"x\ny"}', 'control character in a string', 7],
    ['"\\x"', 'malformed escape', 1],
    ['"\\u12G4"', 'malformed \\u escape', 1],
    ['-', 'malformed number', 1],
    ['1.', 'malformed number', 2],
    ['1e+', 'malformed number', 3],
    ['NaN', 'unexpected character', 0],
    ['[[[[', 'unexpected end of input', 4],
  ])('finds where %j stops being JSON', (text, problem, position) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonSyntaxError(text)).toEqual({ problem, position });
  });

  it('agrees with V8 wherever V8 gives a position', () => {
    for (const text of ['{"a":1}}', '{metadata: 1}', '{"a":1,}', '{"a" 1}', '"abc', '{"a":"x\ny"}', '{"a":01}']) {
      const position = Number(/at position (\d+)/.exec(errorOf(text))?.[1]);
      expect(locateJsonSyntaxError(text)?.position).toBe(position);
    }
  });

  it.each(['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"], "b": {}} ', '"x"', '0', '-0.1E2'])(
    'finds nothing wrong in %j',
    (text) => {
      expect(locateJsonSyntaxError(text)).toBeUndefined();
    },
  );

  it('survives hostile nesting', () => {
    expect(locateJsonSyntaxError('['.repeat(200_000))).toEqual({ problem: 'unexpected end of input', position: 200_000 });
    expect(locateJsonSyntaxError(`${'{"a":'.repeat(100_000)}x`)).toEqual({ problem: 'unexpected character', position: 500_000 });
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
