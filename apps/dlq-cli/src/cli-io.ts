/** What the commands touch outside themselves, so that tests can run them in process. */
export interface CliIo {
  /** Results (tables, JSON), to stdout. */
  out(text: string): void;
  /** Progress, warnings and errors, to stderr. */
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Whether a person can answer a question (stdin is a terminal). */
  interactive: boolean;
  ask(question: string): Promise<string>;
  /** A signal that aborts on the first Ctrl-C (a second one ends the process at once). */
  interruptSignal(): AbortSignal;
}
