import { ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { CliIo } from '../src/cli-io';
import { runDlq } from '../src/dlq.program';

const ROOT = join(__dirname, '../../..');
const ENTRY = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/dlq-cli/src/main.ts'];

export interface DlqRun {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  out: string;
  err: string;
}

/** The tool in process, as `npm run dlq -- <argv>` runs it, with `answer` typed at any question. */
export async function dlq(argv: string[], answer = 'yes'): Promise<DlqRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: {},
    interactive: true,
    ask: async () => answer,
    interruptSignal: () => new AbortController().signal,
  };
  const code = await runDlq(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The real entry point in a process of its own; `env` replaces the environment (PATH kept). */
export function spawnDlq(argv: string[], env: Record<string, string> = {}): { child: ChildProcess; result: Promise<DlqRun> } {
  let child!: ChildProcess;
  const result = new Promise<DlqRun>((resolve) => {
    child = execFile(
      process.execPath,
      [...ENTRY, ...argv],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, out: String(stdout), err: String(stderr) });
      },
    );
  });
  return { child, result };
}
