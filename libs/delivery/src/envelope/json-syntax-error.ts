export interface JsonSyntaxError {
  /** What is wrong, in words of our own (never a piece of the text). */
  problem: string;
  /** Offset in the text, in UTF-16 code units, as JSON.parse counts. */
  position: number;
}

type Container = 'object' | 'array';

/**
 * Where a text stops being JSON (RFC 8259) and why, for a text JSON.parse refused: V8's own message
 * quotes the text around the error, and a message body must never be quoted. Iterative, so hostile
 * nesting cannot exhaust the stack. Undefined if the text is JSON after all.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const open: Container[] = [];
  let i = 0;
  const fail = (problem: string): JsonSyntaxError => ({ problem, position: i });
  const skipWhitespace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i += 1;
  };

  let expectValue = true;
  for (;;) {
    skipWhitespace();
    if (expectValue) {
      if (i >= text.length) return fail('unexpected end of input');
      const c = text[i];
      if (c === '{' || c === '[') {
        open.push(c === '{' ? 'object' : 'array');
        i += 1;
        skipWhitespace();
        if (text[i] === (c === '{' ? '}' : ']')) {
          open.pop();
          i += 1;
          expectValue = false;
        } else if (c === '{') {
          const key = readKey();
          if (key) return key;
        }
        continue;
      }
      const scalar = readScalar();
      if (scalar) return scalar;
      expectValue = false;
      continue;
    }
    const container = open[open.length - 1];
    if (!container) return i < text.length ? fail('unexpected character after the JSON value') : undefined;
    if (i >= text.length) return fail('unexpected end of input');
    if (text[i] === ',') {
      i += 1;
      if (container === 'object') {
        skipWhitespace();
        const key = readKey();
        if (key) return key;
      }
      expectValue = true;
    } else if (text[i] === (container === 'object' ? '}' : ']')) {
      open.pop();
      i += 1;
    } else {
      return fail(container === 'object' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }

  /** A property name and its colon; leaves `i` at the value. */
  function readKey(): JsonSyntaxError | undefined {
    if (i >= text.length) return fail('unexpected end of input');
    if (text[i] !== '"') return fail('expected a property name in double quotes');
    const name = readString();
    if (name) return name;
    skipWhitespace();
    if (i >= text.length) return fail('unexpected end of input');
    if (text[i] !== ':') return fail("expected ':' after a property name");
    i += 1;
    return undefined;
  }

  function readScalar(): JsonSyntaxError | undefined {
    const c = text[i];
    if (c === '"') return readString();
    if (c === '-' || (c >= '0' && c <= '9')) return readNumber();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return undefined;
      }
    }
    return fail('unexpected character');
  }

  function readString(): JsonSyntaxError | undefined {
    i += 1;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i += 1;
        return undefined;
      }
      if (code < 0x20) return fail('control character in a string');
      if (code === 0x5c) {
        const escape = text[i + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('malformed \\u escape');
          i += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          i += 2;
        } else {
          return fail('malformed escape');
        }
        continue;
      }
      i += 1;
    }
    return fail('unterminated string');
  }

  function readNumber(): JsonSyntaxError | undefined {
    const digits = () => {
      const start = i;
      while (i < text.length && text[i] >= '0' && text[i] <= '9') i += 1;
      return i > start;
    };
    if (text[i] === '-') i += 1;
    if (text[i] === '0') i += 1;
    else if (!digits()) return fail('malformed number');
    if (text[i] === '.') {
      i += 1;
      if (!digits()) return fail('malformed number');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i += 1;
      if (text[i] === '+' || text[i] === '-') i += 1;
      if (!digits()) return fail('malformed number');
    }
    return undefined;
  }
}
