import { inspectDeadLetters } from '@lib/messaging/dead-letter-ops';
import { ChannelModel } from 'amqplib';
import { CliIo } from '../cli-io';
import { ExitCode } from '../dlq-errors';
import { entryDetails } from '../output/entry-format';

/** `show <internalId>`: every entry with that internal id (a message dead-lettered twice has two). */
export async function showCommand(
  connection: ChannelModel,
  queue: string,
  internalId: string,
  flags: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const now = new Date();
  const { entries } = await inspectDeadLetters(connection, { queue, filter: { internalId }, limit: Number.MAX_SAFE_INTEGER, now });
  if (entries.length === 0) {
    io.err(`no entry with internal id '${internalId}' in ${queue}`);
    return ExitCode.FAILED;
  }
  io.out(flags.json ? JSON.stringify(entries, null, 2) : entries.map((entry) => entryDetails(entry, queue, now)).join('\n\n'));
  return ExitCode.OK;
}
