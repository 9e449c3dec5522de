/**
 * The genesys-api-service's part of `npm run demo`: the service on embedded defaults against the local
 * RabbitMQ, with the Genesys Cloud and tenant-service simulators standing in for the real APIs. Publishes
 * a message of each shape, receipts, and one envelope per failure path, waits for each outcome and prints
 * what happened. Resolves false if any outcome differs from what the service promises.
 */
import { inboundEnvelope, inboundReceipt, ObservedMessage, waitUntil } from '@lib/testing';
import { randomUUID } from 'node:crypto';
import { GenesysSandbox, genesysTenant } from '../../apps/genesys-api-service/sandbox/genesys-sandbox';

type Envelope = ReturnType<typeof inboundEnvelope> | ReturnType<typeof inboundReceipt>;

interface Scenario {
  name: string;
  expected: string;
  /** The Genesys calls it must cost and how they were answered, e.g. `2 (503/200)`, when that is the point of the scenario. */
  expectedCalls?: string;
  tenant: string;
  /** The tenant's OAuth client: a 429 is answered before Genesys reads the body, so it is told apart by its client. */
  clientId?: string;
  whatsappMessageId: string;
  /** What Genesys was called about: the customer's message id (`channel.messageId`) or the agent's message a receipt is about. */
  genesysKey: (body: any) => boolean;
  publish: () => Promise<void>;
}

/** Every tenant in a region of its own, so that one scenario's failing calls never open another's region breaker. */
const TENANTS = {
  acme: genesysTenant('mypurecloud.ie'),
  globex: genesysTenant('mypurecloud.de'),
  initech: genesysTenant('usw2.pure.cloud'),
  umbrella: genesysTenant('apse1.pure.cloud'),
  hooli: genesysTenant('euw2.pure.cloud'),
  stark: genesysTenant('cac1.pure.cloud'),
};
const NAMES = new Map(Object.entries(TENANTS).map(([name, tenant]) => [tenant.tenantId, name]));
const CUSTOMER = '4915112345678';
const PHOTO = {
  mediaType: 'Image' as const,
  url: 'https://media.example.com/photo.jpg',
  mime: 'image/jpeg',
  filename: 'photo.jpg',
  text: 'my order',
};
const dropped = (sandbox: GenesysSandbox) =>
  fetch(`${baseUrl(sandbox)}/metrics`)
    .then((response) => response.text())
    .then((text) =>
      Number(/genesys_api_service_messages_dropped_total\{[^}]*reason="receipt_status_not_accepted"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0),
    );
const baseUrl = (sandbox: GenesysSandbox) => `http://127.0.0.1:${(sandbox.app.getHttpServer().address() as { port: number }).port}`;

export async function runGenesysDemo(rabbitmqUrl: string, logLevel: string): Promise<boolean> {
  /** Genesys's clock: moved ahead to bring a 429's Retry-After within the demo. */
  let genesysAheadMs = 0;
  const sandbox = await GenesysSandbox.start({
    rabbitmqUrl,
    env: { RETRY_MAX_ATTEMPTS: '3', LOG_LEVEL: logLevel },
    genesysLatencyMs: 50,
    genesysClock: () => Date.now() + genesysAheadMs,
  });
  const { acme, globex, initech, umbrella, hooli, stark } = TENANTS;
  for (const tenant of [acme, initech, umbrella]) sandbox.addTenant(tenant);
  sandbox.addTenant({ ...hooli, requestsPerMinute: 1 });
  // globex's record holds a secret Genesys does not know; stark's OAuth client lacks conversation:message:receive.
  sandbox.tenants.addTenant({ tenantId: globex.tenantId, genesys: { ...globex } });
  sandbox.genesys.addClient({ ...globex, clientSecret: `rotated-${randomUUID()}`, integrations: [globex.integrationId] });
  sandbox.tenants.addTenant({ tenantId: stark.tenantId, genesys: { ...stark } });
  sandbox.genesys.addClient({ ...stark, integrations: [stark.integrationId], permissions: ['conversation:message:view'] });

  const scenarios: Scenario[] = [];
  const add = (name: string, expected: string, envelope: Envelope, before?: () => void, expectedCalls?: string) => {
    const whatsappMessageId = envelope.metadata.whatsapp_message_id;
    const payload = envelope.genesysPayload as any;
    const agentMessageId = payload.type === 'Receipt' ? payload.id : undefined;
    scenarios.push({
      name,
      expected,
      expectedCalls,
      tenant: NAMES.get(envelope.metadata.tenantId) ?? 'unknown',
      clientId: Object.values(TENANTS).find((tenant) => tenant.tenantId === envelope.metadata.tenantId)?.clientId,
      whatsappMessageId,
      genesysKey: (body) => (agentMessageId ? body?.id === agentMessageId : body?.channel?.messageId === whatsappMessageId),
      publish: async () => {
        before?.();
        await sandbox.publish(JSON.stringify(envelope), envelope.metadata.tenantId);
      },
    });
  };
  const agentMessage = () =>
    sandbox.genesys.sendAgentMessage({ integrationId: acme.integrationId, to: { id: CUSTOMER }, text: 'Your order shipped' });

  add(
    'text message (current shape)',
    'delivered',
    inboundEnvelope({ tenantId: acme.tenantId, from: CUSTOMER, text: 'Where is my order?' }),
  );
  add(
    'legacy message (sent as the current shape)',
    'delivered',
    inboundEnvelope({ tenantId: acme.tenantId, from: CUSTOMER, legacy: true, integrationId: acme.integrationId, text: 'Hello?' }),
  );
  add('attachment with a caption', 'delivered', inboundEnvelope({ tenantId: acme.tenantId, from: CUSTOMER, attachments: [PHOTO] }));
  add(
    'Delivered receipt',
    'receipt sent',
    inboundReceipt({ tenantId: acme.tenantId, genesysMessageId: agentMessage().id, customerId: CUSTOMER }),
  );
  add(
    'Read receipt',
    'dropped',
    inboundReceipt({ tenantId: acme.tenantId, genesysMessageId: agentMessage().id, customerId: CUSTOMER, status: 'Read' }),
  );
  add(
    'Genesys 503 once, retried',
    'delivered',
    inboundEnvelope({ tenantId: initech.tenantId }),
    () =>
      sandbox.genesys.faults.inject(
        { kind: 'error', error: 503 },
        { match: { integrationId: initech.integrationId, endpoint: 'message' } },
      ),
    '2 (503/200)',
  );
  const limited = inboundEnvelope({ tenantId: hooli.tenantId });
  add(
    '429 with Retry-After: paused, then sent',
    'delivered',
    limited,
    // hooli's token made its one request of the minute (the warm-up): Genesys's minute ends 3 s from now.
    () => (genesysAheadMs = warmedAt + 57_000 - Date.now()),
    '2 (429/200)',
  );
  add(
    'Genesys 503 on every call',
    'failed RETRIES_EXHAUSTED',
    inboundEnvelope({ tenantId: umbrella.tenantId }),
    () =>
      sandbox.genesys.faults.inject(
        { kind: 'error', error: 503 },
        { match: { integrationId: umbrella.integrationId, endpoint: 'message' }, times: Infinity },
      ),
    '3 (503)',
  );
  add('login refuses the client (invalid_client)', 'failed ACCOUNT_ERROR', inboundEnvelope({ tenantId: globex.tenantId }));
  add('client lacks conversation:message:receive (403)', 'failed ACCOUNT_ERROR', inboundEnvelope({ tenantId: stark.tenantId }));
  add('unknown tenant', 'failed TENANT_NOT_FOUND', inboundEnvelope({ tenantId: randomUUID() }));
  add(
    "another tenant's integration",
    'failed TENANT_MISMATCH',
    inboundEnvelope({ tenantId: acme.tenantId, legacy: true, integrationId: globex.integrationId }),
  );
  const empty = inboundEnvelope({ tenantId: acme.tenantId });
  delete (empty.genesysPayload as { text?: string }).text;
  add('neither text nor content', 'failed INVALID_ENVELOPE', empty);

  console.log(`\nPublishing ${scenarios.length + 2} envelopes to genesys-exchange...`);
  const warm = inboundEnvelope({ tenantId: hooli.tenantId });
  await sandbox.publish(warm);
  await sandbox.waitForCorrelation(warm.metadata.whatsapp_message_id);
  const warmedAt = sandbox.genesys
    .accepted()
    .find((r) => (r.body as any)?.channel?.messageId === warm.metadata.whatsapp_message_id)!.receivedAt;
  for (const scenario of scenarios) await scenario.publish();
  const malformed = Buffer.from('{"metadata": this is not JSON');
  await sandbox.publish(malformed, acme.tenantId);

  const outcomeOf = async (scenario: Scenario): Promise<string | undefined> => {
    const dead = sandbox.deadLetterOf(scenario.whatsappMessageId);
    if (dead) return `failed ${dead.headers['x-error-category']}`;
    if (sandbox.correlationOf(scenario.whatsappMessageId)) return 'delivered';
    const calls = sandbox.genesys.requests.filter((r) => r.endpoint === 'receipt' && r.status === 202 && scenario.genesysKey(r.body));
    if (calls.length > 0) return 'receipt sent';
    return scenario.expected === 'dropped' && (await dropped(sandbox)) > 0 ? 'dropped' : undefined;
  };
  await waitUntil(
    'every outcome',
    async () =>
      (await Promise.all(scenarios.map(outcomeOf))).every((outcome) => outcome !== undefined) &&
      sandbox.deadLetters.some((d) => d.content.equals(malformed)),
    60_000,
  );

  const rows = await Promise.all(scenarios.map(async (scenario) => row(sandbox, scenario, (await outcomeOf(scenario))!)));
  const malformedDead = sandbox.deadLetters.find((d) => d.content.equals(malformed))!;
  rows.push({
    scenario: 'not JSON',
    tenant: 'acme',
    expected: 'failed INVALID_ENVELOPE',
    outcome: `failed ${malformedDead.headers['x-error-category']}`,
    genesysCalls: '0',
    detail: String(malformedDead.headers['x-error-message']).slice(0, 60),
    ok: malformedDead.headers['x-error-category'] === 'INVALID_ENVELOPE',
  });

  console.table(rows.map(({ ok, ...rest }) => ({ ...rest, check: ok ? 'ok' : 'UNEXPECTED' })));
  const deadLettered = rows.filter((r) => r.outcome.startsWith('failed')).length;
  console.log(
    `${rows.filter((r) => !r.outcome.startsWith('failed')).length} delivered, sent or dropped, ${deadLettered} dead-lettered to genesys-api-dlq with reason headers, ${rows.filter((r) => !r.ok).length} unexpected.`,
  );
  console.log(
    `Correlation events seen on correlation-events: ${sandbox.correlationEvents.length}. Genesys simulator received ${sandbox.genesys.requests.length} requests (${sandbox.genesys.requests.filter((r) => r.status === 429).length} answered 429).`,
  );
  console.log(`Note: this demo leaves its ${deadLettered} dead letters in the local broker's genesys-api-dlq queue for inspection.`);
  await sandbox.stop();
  return rows.every((r) => r.ok);
}

function row(sandbox: GenesysSandbox, scenario: Scenario, outcome: string) {
  const calls = sandbox.genesys.requests.filter(
    (r) =>
      (r.endpoint === 'message' || r.endpoint === 'receipt') &&
      (scenario.genesysKey(r.body) || (r.status === 429 && r.clientId === scenario.clientId)),
  );
  const statuses = [...new Set(calls.map((call) => call.status))].join('/');
  const genesysCalls = calls.length ? `${calls.length} (${statuses})` : '0';
  const dead: ObservedMessage | undefined = sandbox.deadLetterOf(scenario.whatsappMessageId);
  const event = sandbox.correlationOf(scenario.whatsappMessageId);
  const detail = dead
    ? `${dead.headers['x-error-code'] ?? '-'}: ${dead.headers['x-error-message']}`
    : event
      ? `conversation ${String(event.conversationId).slice(0, 8)}…, message ${String(event.genesysMessageId).slice(0, 8)}…`
      : outcome === 'dropped'
        ? 'acked without a call: Genesys takes Delivered and Failed only'
        : `answered ${statuses}`;
  return {
    scenario: scenario.name,
    tenant: scenario.tenant,
    expected: scenario.expected,
    outcome,
    genesysCalls,
    detail: detail.slice(0, 60),
    ok: outcome === scenario.expected && (scenario.expectedCalls === undefined || genesysCalls === scenario.expectedCalls),
  };
}
