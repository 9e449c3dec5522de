import { CliIo } from '../cli-io';
import { terminalSafe, terminalSafeIo } from './terminal-safe';

describe('terminalSafe', () => {
  it.each([
    ['ESC of a CSI sequence', '\u001b[2J', '\\u001b[2J'],
    ['ESC of an OSC title sequence', '\u001b]0;owned\u0007', '\\u001b]0;owned\\u0007'],
    ['8-bit CSI', '\u009b31m', '\\u009b31m'],
    ['carriage return', 'fine\rfake', 'fine\\u000dfake'],
    ['backspace', 'ab\bc', 'ab\\u0008c'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\u0000b\\u007f'],
    ['vertical tab and form feed', '\u000b\u000c', '\\u000b\\u000c'],
    ['bidirectional overrides', 'abc\u202edcba\u2066x\u2069', 'abc\\u202edcba\\u2066x\\u2069'],
  ])('writes %s as a visible escape', (_what, raw, shown) => {
    expect(terminalSafe(raw)).toBe(shown);
  });

  it('keeps line feeds, tabs and every printable character as they are', () => {
    const text = 'line one\n\tKöln — 東京 🚀 "quoted" \\u001b already escaped';
    expect(terminalSafe(text)).toBe(text);
  });

  it('keeps JSON valid and its strings unchanged', () => {
    const value = { 'x-evil\u001b[2J': 'a\u009b31m\r\u007f\u202e', nested: ['\u0007'] };
    const json = terminalSafe(JSON.stringify(value, null, 2));
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point of the check
    expect(json).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('terminalSafeIo', () => {
  it('makes output, errors and questions safe and leaves the rest of the io alone', async () => {
    const seen: string[] = [];
    const io: CliIo = {
      out: (text) => seen.push(`out ${text}`),
      err: (text) => seen.push(`err ${text}`),
      env: { A: '1' },
      interactive: true,
      ask: async (question) => {
        seen.push(`ask ${question}`);
        return 'y\u001b';
      },
      interruptSignal: () => new AbortController().signal,
    };
    const safe = terminalSafeIo(io);
    safe.out('a\u001b[2J');
    safe.err('b\u009b');
    expect(await safe.ask('c\r?')).toBe('y\u001b');
    expect(seen).toEqual(['out a\\u001b[2J', 'err b\\u009b', 'ask c\\u000d?']);
    expect(safe).toMatchObject({ env: { A: '1' }, interactive: true });
  });
});
