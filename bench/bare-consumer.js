// The bare reference: the least a consumer can do. amqplib consume with a large prefetch, one keep-alive
// POST per message to the Meta simulator with credentials fetched once per tenant, ack. No validation,
// no retries, no status events. Plain JavaScript so that it starts as lean as the built service.
// Environment: RABBITMQ_URL, META_API_BASE_URL, TENANT_SERVICE_URL, TENANT_SERVICE_TOKEN, PREFETCH.
'use strict';
const amqplib = require('amqplib');
const { Agent, request } = require('undici');
const { tenantTokens } = require('./support/tenant-tokens');

async function main() {
  const prefetch = Number(process.env.PREFETCH || 300);
  const meta = new Agent({ connections: prefetch, pipelining: 1 });
  const tokenOf = tenantTokens(process.env.TENANT_SERVICE_URL, process.env.TENANT_SERVICE_TOKEN);
  const connection = await amqplib.connect(process.env.RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  await channel.consume('outbound-processed', async (message) => {
    if (!message) return;
    const envelope = JSON.parse(message.content.toString());
    const token = await tokenOf(envelope.metadata.tenantId);
    const response = await request(`${process.env.META_API_BASE_URL}/v26.0/${envelope.metadata.phoneNumberId}/messages`, {
      method: 'POST',
      dispatcher: meta,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(envelope.wabaPayload),
    });
    await response.body.dump();
    channel.ack(message);
  });
  process.on('SIGTERM', () => connection.close().finally(() => process.exit(0)));
  console.log('bare consumer ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
