/**
 * Both egress services on embedded defaults against the local RabbitMQ, with the Meta, Genesys Cloud and
 * tenant-service simulators standing in for the real APIs: for each, one message per type and one per
 * failure path, each outcome waited for and printed in a table. Exit code 1 if any outcome differs from
 * what the service promises.
 *
 *   npm run demo [-- --service whatsapp|genesys]   (RABBITMQ_URL overrides the broker, LOG_LEVEL=info shows the logs)
 */
import { runGenesysDemo } from './demo/genesys-demo';
import { runWhatsappDemo } from './demo/whatsapp-demo';

const DEMOS: Record<string, (rabbitmqUrl: string, logLevel: string) => Promise<boolean>> = {
  whatsapp: runWhatsappDemo,
  genesys: runGenesysDemo,
};

async function main(): Promise<void> {
  const index = process.argv.indexOf('--service');
  const only = index === -1 ? undefined : process.argv[index + 1];
  if (only !== undefined && !(only in DEMOS)) throw new Error(`--service must be one of: ${Object.keys(DEMOS).join(', ')}`);
  const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const logLevel = process.env.LOG_LEVEL ?? 'silent';
  let allAsPromised = true;
  for (const [service, run] of Object.entries(DEMOS)) {
    if (only !== undefined && service !== only) continue;
    console.log(`\n=== ${service} ===`);
    allAsPromised = (await run(rabbitmqUrl, logLevel)) && allAsPromised;
  }
  process.exitCode = allAsPromised ? 0 : 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
