import { inboundEnvelope, inboundReceipt, waitUntil } from '@lib/testing';
import { genesysTenant } from '../sandbox/genesys-sandbox';
import { useGenesysSandbox } from '../sandbox/use-genesys-sandbox';
import { callsOf, metricSum, REDIS_URL, scrapeMetrics } from './support/genesys-e2e';

const ACME = genesysTenant('mypurecloud.ie');

let customerSeq = 0;
const customer = () => `49160${String(++customerSeq).padStart(7, '0')}`;

describe.each([
  ['with Redis', REDIS_URL],
  ['in process (no REDIS_URL)', undefined],
])('genesys-api-service: never twice, in order per customer (%s)', (_mode, redisUrl) => {
  const sandbox = useGenesysSandbox(
    'gen-exactly-once',
    { redisUrl, env: { RETRY_BASE_DELAY_MS: '1000', RETRY_MAX_DELAY_MS: '2000', CB_FAILURE_THRESHOLD: '1000' } },
    [ACME],
  );

  beforeAll(async () => {
    // Verified by a first message, the tenant's metric series carry its id.
    const first = inboundEnvelope({ tenantId: ACME.tenantId, from: customer() });
    await sandbox().publish(first);
    await sandbox().waitForCorrelation(first.metadata.whatsapp_message_id);
  });

  const duplicates = async () => metricSum(await scrapeMetrics(sandbox().app), 'messages_duplicate_total', { tenant: ACME.tenantId });
  const acceptedFrom = (from: string) =>
    sandbox()
      .genesys.accepted()
      .filter((call) => (call.body as any).channel.from.id === from);

  it('sends a message published three times once, with one correlation event', async () => {
    const before = await duplicates();
    const from = customer();
    const envelope = inboundEnvelope({ tenantId: ACME.tenantId, from });
    for (let copy = 0; copy < 3; copy += 1) await sandbox().publish(envelope);
    await waitUntil('both copies acked as duplicates', async () => (await duplicates()) === before + 2);
    expect(acceptedFrom(from)).toHaveLength(1);
    expect(sandbox().correlationsOf(envelope.metadata.whatsapp_message_id)).toHaveLength(1);
  });

  it('posts one final receipt per agent message: a repeated or later one is acked without a call', async () => {
    const to = customer();
    const agent = sandbox().genesys.sendAgentMessage({ integrationId: ACME.integrationId, to: { id: to, idType: 'Phone' }, text: 'Hi' });
    const before = await duplicates();
    const receipt = (status: string) =>
      inboundReceipt({ tenantId: ACME.tenantId, whatsappMessageId: 'wamid.AGENT1', genesysMessageId: agent.id, customerId: to, status });
    await sandbox().publish(receipt('Delivered'));
    await waitUntil('the receipt in Genesys', () => sandbox().genesys.receiptsFor(agent.id).length === 1);
    await sandbox().publish(receipt('Delivered'));
    await sandbox().publish(receipt('Failed'));
    await waitUntil('both acked as duplicates', async () => (await duplicates()) === before + 2);
    expect(sandbox().genesys.receiptsFor(agent.id)).toEqual([expect.objectContaining({ status: 'Delivered', isFinalReceipt: true })]);
  });

  it('keeps a customer’s messages in order when the first one fails with a 5xx', async () => {
    const from = customer();
    const messages = Array.from({ length: 6 }, (_, i) => inboundEnvelope({ tenantId: ACME.tenantId, from, text: `message ${i + 1}` }));
    sandbox().genesys.faults.inject({ kind: 'error', error: 503 }, { match: { integrationId: ACME.integrationId, endpoint: 'message' } });
    for (const envelope of messages) await sandbox().publish(envelope);
    await Promise.all(messages.map((envelope) => sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id)));

    expect(callsOf(sandbox().genesys, ACME, 'message').filter((call) => call.status === 503)).toHaveLength(1);
    expect(acceptedFrom(from).map((call) => (call.body as any).text)).toEqual(messages.map((_, i) => `message ${i + 1}`));
    expect(
      sandbox()
        .genesys.messagesFor(ACME.integrationId)
        .filter((message) => message.customer.id === from),
    ).toHaveLength(6);
  });

  it('lets other customers through while one customer’s message waits for its retry', async () => {
    const slow = customer();
    sandbox().genesys.faults.inject({ kind: 'error', error: 503 }, { match: { integrationId: ACME.integrationId, endpoint: 'message' } });
    const held = inboundEnvelope({ tenantId: ACME.tenantId, from: slow, text: 'first' });
    await sandbox().publish(held);
    await waitUntil('its 503', () => callsOf(sandbox().genesys, ACME, 'message').at(-1)?.status === 503);
    const behind = inboundEnvelope({ tenantId: ACME.tenantId, from: slow, text: 'second' });
    await sandbox().publish(behind);
    const others = Array.from({ length: 4 }, () => inboundEnvelope({ tenantId: ACME.tenantId, from: customer() }));
    for (const envelope of others) await sandbox().publish(envelope);

    await Promise.all([...others, behind].map((envelope) => sandbox().waitForCorrelation(envelope.metadata.whatsapp_message_id)));
    expect(acceptedFrom(slow).map((call) => (call.body as any).text)).toEqual(['first', 'second']);
    // Held for its retry (at least 750 ms), the slow customer's message let the others pass.
    const accepted = sandbox().genesys.accepted();
    const heldAt = accepted.indexOf(acceptedFrom(slow)[0]);
    for (const envelope of others) {
      expect(accepted.findIndex((call) => (call.body as any).channel.messageId === envelope.metadata.whatsapp_message_id)).toBeLessThan(
        heldAt,
      );
    }
  });
});
