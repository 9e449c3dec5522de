import { CliIo } from '../cli-io';

/**
 * Characters a terminal acts on instead of showing: C0 controls other than line feed and tab (ESC starts
 * escape sequences, CR and backspace overwrite), DEL, C1 controls (U+009B is a CSI on its own) and the
 * bidirectional formatting characters that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character a terminal would act on written as a visible `\u001b`-style escape. JSON
 * text stays valid and means the same: JSON.stringify escapes C0 itself, and the rest only occur in strings.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROL, (control) => `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `io` whose output and questions are made terminal-safe: a dead letter's content never drives the terminal. */
export function terminalSafeIo(io: CliIo): CliIo {
  return {
    ...io,
    out: (text) => io.out(terminalSafe(text)),
    err: (text) => io.err(terminalSafe(text)),
    ask: (question) => io.ask(terminalSafe(question)),
  };
}
