import { createInterface } from 'node:readline/promises';
import { runDlq } from './dlq.program';

/** `npm run dlq -- <command>`: the dead-letter tool on this process's terminal. */
async function main(): Promise<void> {
  process.exitCode = await runDlq(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    interactive: Boolean(process.stdin.isTTY),
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
    interruptSignal: () => {
      const controller = new AbortController();
      process.once('SIGINT', () => {
        process.stderr.write(
          '\nstopping after the current message (Ctrl-C again to quit at once; unreplayed messages stay in the queue)\n',
        );
        controller.abort();
      });
      return controller.signal;
    },
  });
}

void main();
