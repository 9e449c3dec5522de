import { inspectDeadLetters } from '@lib/messaging/dead-letter-ops';
import { ChannelModel } from 'amqplib';
import { CliIo } from '../cli-io';
import { ExitCode } from '../dlq-errors';
import { DlqTarget } from '../dlq-target';
import { entryDetails } from '../output/entry-format';

/** `show <messageId>`: every entry with that message id (a message dead-lettered twice has two). */
export async function showCommand(
  connection: ChannelModel,
  target: DlqTarget,
  messageId: string,
  flags: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const now = new Date();
  const { queue } = target;
  const { entries } = await inspectDeadLetters(connection, {
    queue,
    shape: target.service,
    filter: { messageId },
    limit: Number.MAX_SAFE_INTEGER,
    now,
  });
  if (entries.length === 0) {
    io.err(`no entry with message id '${messageId}' in ${queue}`);
    return ExitCode.FAILED;
  }
  io.out(flags.json ? JSON.stringify(entries, null, 2) : entries.map((entry) => entryDetails(entry, queue, now)).join('\n\n'));
  return ExitCode.OK;
}
