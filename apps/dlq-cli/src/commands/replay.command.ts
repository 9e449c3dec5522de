import { DeadLetterEntry, replayDeadLetters, ReplayReport } from '@lib/messaging/dead-letter-ops';
import { ChannelModel } from 'amqplib';
import { CliIo } from '../cli-io';
import { ExitCode } from '../dlq-errors';
import { DlqTarget } from '../dlq-target';
import { FilterFlags, filterOf } from '../filter-options';
import { entriesTable, entryOverview } from '../output/entry-format';

export interface ReplayFlags extends FilterFlags {
  dryRun?: boolean;
  yes?: boolean;
  confirmTimeout: number;
  maxInFlight: number;
}

/** `replay`: republishes the matching entries; asks first unless `--yes` or `--dry-run`. */
export async function replayCommand(connection: ChannelModel, target: DlqTarget, flags: ReplayFlags, io: CliIo): Promise<number> {
  const report = await replayDeadLetters(connection, {
    queue: target.queue,
    exchange: target.exchange,
    shape: target.service,
    filter: filterOf(flags),
    limit: flags.limit,
    dryRun: flags.dryRun,
    confirmTimeoutMs: flags.confirmTimeout,
    maxInFlight: flags.maxInFlight,
    signal: io.interruptSignal(),
    confirm: flags.yes ? undefined : (selected) => askToReplay(selected, target.exchange, io),
  });
  if (flags.json) io.out(JSON.stringify(reportJson(report), null, 2));
  else io.out(reportText(report));
  if (report.interrupted) return ExitCode.INTERRUPTED;
  return report.failure || report.declined ? ExitCode.FAILED : ExitCode.OK;
}

async function askToReplay(selected: DeadLetterEntry[], exchange: string, io: CliIo): Promise<boolean> {
  io.err(entriesTable(selected, new Date()));
  const answer = await io.ask(`Replay these ${selected.length} messages to '${exchange}'? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

function reportJson(report: ReplayReport) {
  return {
    ...report,
    selected: report.selected.map(entryOverview),
    replayed: report.replayed.map(entryOverview),
    notReplayable: report.notReplayable.map(entryOverview),
    failure: report.failure && { ...report.failure, entry: entryOverview(report.failure.entry) },
  };
}

function reportText(report: ReplayReport): string {
  const now = new Date();
  const lines: string[] = [];
  if (report.dryRun) {
    lines.push(
      `dry run: would replay ${report.selected.length} of ${report.scanned} messages in ${report.queue} to '${report.exchange}'; nothing was changed`,
    );
    if (report.selected.length > 0) lines.push(entriesTable(report.selected, now));
  } else if (report.declined) {
    lines.push('not replayed: nothing was changed');
  } else {
    lines.push(
      `replayed ${report.replayed.length} of ${report.selected.length} selected (${report.scanned} messages read) from ${report.queue} to '${report.exchange}'`,
    );
  }
  if (report.notReplayable.length > 0) {
    lines.push(
      `${report.notReplayable.length} matching entries name no routing key and stay in ${report.queue}: ${report.notReplayable.map((entry) => `#${entry.position}`).join(', ')}`,
    );
  }
  if (report.failure) {
    const left = report.selected.length - report.replayed.length;
    lines.push(
      `stopped at #${report.failure.entry.position} (${report.failure.entry.messageId ?? 'no message id'}): ${report.failure.error}; it and the other ${left - 1} not replayed stay in ${report.queue}`,
    );
  }
  if (report.interrupted) lines.push(`interrupted: ${report.replayed.length} replayed; everything else stays in ${report.queue}`);
  return lines.join('\n');
}
