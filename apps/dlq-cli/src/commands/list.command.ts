import { inspectDeadLetters } from '@lib/messaging/dead-letter-ops';
import { ChannelModel } from 'amqplib';
import { CliIo } from '../cli-io';
import { ExitCode } from '../dlq-errors';
import { DlqTarget } from '../dlq-target';
import { FilterFlags, filterOf } from '../filter-options';
import { entriesTable, entryOverview } from '../output/entry-format';
import { textTable } from '../output/text-table';

/** `list`: counts of the matching entries by tenant and category, then the first `--limit` of them. */
export async function listCommand(connection: ChannelModel, target: DlqTarget, flags: FilterFlags, io: CliIo): Promise<number> {
  const now = new Date();
  const { queue } = target;
  const inspection = await inspectDeadLetters(connection, {
    queue,
    shape: target.service,
    filter: filterOf(flags),
    limit: flags.limit ?? 20,
    now,
  });
  if (flags.json) {
    io.out(JSON.stringify({ ...inspection, entries: inspection.entries.map(entryOverview) }, null, 2));
    return ExitCode.OK;
  }
  io.out(`${queue}: ${inspection.scanned} messages, ${inspection.matched} matching`);
  if (inspection.matched === 0) return ExitCode.OK;
  io.out('');
  io.out(
    textTable(
      ['TENANT', 'CATEGORY', 'COUNT'],
      inspection.counts.map((row) => [row.tenantId, row.category, String(row.count)]),
    ),
  );
  io.out('');
  io.out(entriesTable(inspection.entries, now));
  if (inspection.entries.length < inspection.matched)
    io.out(`(first ${inspection.entries.length} of ${inspection.matched}; --limit shows more)`);
  return ExitCode.OK;
}
