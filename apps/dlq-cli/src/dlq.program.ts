import { EGRESS_SERVICE_NAMES, EGRESS_SERVICES, EgressServiceName } from '@lib/contracts';
import { redactUrl } from '@lib/messaging/publishing/redact-url.util';
import { ChannelModel } from 'amqplib';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { connectToBroker, onQueue } from './broker-connection';
import { CliIo } from './cli-io';
import { HoldsFlags, holdsCommand } from './commands/holds.command';
import { liftHoldCommand } from './commands/lift-hold.command';
import { listCommand } from './commands/list.command';
import { ReplayFlags, replayCommand } from './commands/replay.command';
import { showCommand } from './commands/show.command';
import { brokerUrlFromEnv } from './config/dlq-broker-url';
import { redisSettingsFrom } from './config/dlq-redis-settings';
import { BrokerError, ExitCode, UsageError } from './dlq-errors';
import { DlqTarget, dlqTargetOf } from './dlq-target';
import { FilterFlags, positiveInteger, withFilterFlags } from './filter-options';
import { terminalSafeIo } from './output/terminal-safe';

interface GlobalFlags {
  url?: string;
  service: EgressServiceName;
  queue?: string;
  exchange?: string;
  connectTimeout: number;
}

function amqpUrl(value: string): string {
  if (!/^amqps?:\/\/\S+$/.test(value)) throw new InvalidArgumentError('must be an amqp:// or amqps:// URL');
  return value;
}

function redisUrl(value: string): string {
  if (!/^rediss?:\/\/\S+$/.test(value)) throw new InvalidArgumentError('must be a redis:// or rediss:// URL');
  return value;
}

/**
 * Runs the dead-letter tool on `argv` (without the node and script words) and resolves to its exit
 * code. `--service` picks the egress service whose queues and Redis it works on (the
 * whatsapp-api-service by default); `--queue` and `--exchange` override that service's names.
 */
export async function runDlq(argv: string[], terminalIo: CliIo): Promise<number> {
  // Entries carry text from whoever published them; nothing printed may drive the operator's terminal.
  const io = terminalSafeIo(terminalIo);
  let exitCode: number = ExitCode.OK;
  const withBroker = async (command: Command, run: (connection: ChannelModel, target: DlqTarget) => Promise<number>) => {
    const flags = command.optsWithGlobals<GlobalFlags>();
    const target = dlqTargetOf(flags);
    const url = flags.url ?? brokerUrlFromEnv(io.env);
    const connection = await connectToBroker(url, flags.connectTimeout);
    try {
      exitCode = await onQueue(target.queue, () => run(connection, target));
    } finally {
      await connection.close().catch(() => undefined);
    }
  };

  const program = new Command('dlq')
    .description('Inspect and replay the dead-letter queue of an egress service')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .option(
      '--url <amqp-url>',
      'broker URL, vhost included (default: RABBITMQ_URL, or built from RABBITMQ_HOST/PORT/USER/PASSWORD/VHOST as the service does)',
      amqpUrl,
    )
    .addOption(
      new Option('--service <name>', 'the egress service whose dead-letter queue and Redis to work on')
        .choices(EGRESS_SERVICE_NAMES)
        .default('whatsapp'),
    )
    .option('--queue <name>', "dead-letter queue (default: the service's, e.g. outbound-failed)")
    .option('--exchange <name>', "exchange to replay to (default: the service's, e.g. whatsapp-exchange)")
    .option('--connect-timeout <ms>', 'how long to wait for the broker', positiveInteger, 5000)
    .showHelpAfterError();

  withFilterFlags(
    program.command('list').description('counts by tenant and category, and the first entries with their reason headers'),
    'entries to print (default 20; counts cover all)',
  ).action((flags: FilterFlags, command: Command) =>
    withBroker(command, (connection, target) => listCommand(connection, target, flags, io)),
  );

  program
    .command('show')
    .description("every header and the body of the entries with this message id (the service's id of the message)")
    .argument('<messageId>')
    .option('--json', 'print JSON')
    .action((messageId: string, flags: { json?: boolean }, command: Command) =>
      withBroker(command, (connection, target) => showCommand(connection, target, messageId, flags, io)),
    );

  withFilterFlags(
    program.command('replay').description('republish matching entries with their original routing key and a fresh attempt count'),
    'most entries to replay (default: all that match)',
  )
    .option('--dry-run', 'only report what would be replayed')
    .option('--yes', 'do not ask for confirmation (needed when not run from a terminal)')
    .option('--confirm-timeout <ms>', 'longest wait for the broker to confirm one republish', positiveInteger, 10_000)
    .option('--max-in-flight <n>', 'republishes awaiting their confirm at once (1: strictly one by one)', positiveInteger, 100)
    .action((flags: ReplayFlags, command: Command) => {
      if (!flags.dryRun && !flags.yes && !io.interactive)
        throw new UsageError('replay asks for confirmation: pass --yes when not run from a terminal, or --dry-run to preview');
      return withBroker(command, (connection, target) => replayCommand(connection, target, flags, io));
    });

  withRedisFlags(
    program
      .command('holds')
      .description('tenants whose account the service holds (its vendor refused it): code, reason, since, next probe'),
  )
    .option('--limit <n>', 'holds to print, oldest first (default 20; the count covers all)', positiveInteger)
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: HoldsFlags & RedisFlags, command: Command) => {
      const { service, connectTimeout } = command.optsWithGlobals<GlobalFlags>();
      const settings = redisSettingsFrom(flags, io.env, EGRESS_SERVICES[service].redisKeyPrefix);
      exitCode = await holdsCommand(settings, connectTimeout, flags, io);
    });

  withRedisFlags(
    program.command('lift-hold').description("end a tenant's account hold now (its account was fixed); its waiting messages follow"),
  )
    .argument('<tenantId>')
    .option('--json', 'print JSON')
    .action(async (tenantId: string, flags: { json?: boolean } & RedisFlags, command: Command) => {
      const { service, connectTimeout } = command.optsWithGlobals<GlobalFlags>();
      const settings = redisSettingsFrom(flags, io.env, EGRESS_SERVICES[service].redisKeyPrefix);
      exitCode = await liftHoldCommand(settings, connectTimeout, tenantId, flags, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return failure(error, io);
  }
}

interface RedisFlags {
  redisUrl?: string;
  keyPrefix?: string;
}

/** Where the service keeps its account holds. */
function withRedisFlags(command: Command): Command {
  return command
    .option('--redis-url <redis-url>', "the service's Redis (default: REDIS_URL)", redisUrl)
    .option('--key-prefix <prefix>', "the service's key prefix (default: REDIS_KEY_PREFIX, or the selected service's default)");
}

function failure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version'
      ? ExitCode.OK
      : ExitCode.USAGE;
  }
  const message = redactCredentials((error as Error).message ?? String(error));
  io.err(`dlq: ${message}`);
  if (error instanceof UsageError) return ExitCode.USAGE;
  if (error instanceof BrokerError) return ExitCode.BROKER;
  return ExitCode.FAILED;
}

/** Any amqp URL in a message with its password masked. */
function redactCredentials(message: string): string {
  return message.replace(/amqps?:\/\/\S+/gi, (url) => redactUrl(url));
}
