// The bare reference of the genesys benchmark: the least a consumer can do. amqplib consume with the same
// prefetch, the tenant's record and one token fetched at the tenant's first message (the simulator refuses a
// call without one), then one keep-alive POST of the payload to Open Messaging per message, ack. No
// validation or mapping (the benchmark publishes the current request shape), no token expiry, no rate
// limits, no retries, no correlation events. Plain JavaScript so that it starts as lean as the built service.
// Environment: RABBITMQ_URL, GENESYS_API_URL_TEMPLATE, GENESYS_LOGIN_URL_TEMPLATE, TENANT_SERVICE_URL,
// TENANT_SERVICE_TOKEN, PREFETCH.
'use strict';
const amqplib = require('amqplib');
const { Agent, request } = require('undici');

const urlOf = (template, region) => template.replace('{region}', region);

async function main() {
  const prefetch = Number(process.env.PREFETCH || 600);
  const pool = new Agent({ connections: prefetch, pipelining: 1 });
  const tenants = new Map();
  const tenantOf = (tenantId) => {
    if (!tenants.has(tenantId)) tenants.set(tenantId, login(tenantId, pool));
    return tenants.get(tenantId);
  };
  const connection = await amqplib.connect(process.env.RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  await channel.consume('inbound-processed', async (message) => {
    if (!message) return;
    const envelope = JSON.parse(message.content.toString());
    const { credentials, token } = await tenantOf(envelope.metadata.tenantId);
    const api = urlOf(process.env.GENESYS_API_URL_TEMPLATE, credentials.region);
    const path = `/api/v2/conversations/messages/${credentials.integrationId}/inbound/open/message?prefetchConversationId=true`;
    const response = await request(`${api}${path}`, {
      method: 'POST',
      dispatcher: pool,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(envelope.genesysPayload),
    });
    await response.body.dump();
    channel.ack(message);
  });
  process.on('SIGTERM', () => connection.close().finally(() => process.exit(0)));
  console.log('bare consumer ready');
}

async function login(tenantId, pool) {
  const recordUrl = `${process.env.TENANT_SERVICE_URL}/api/v1/tenants/${tenantId}/credentials?type=genesys`;
  const record = await request(recordUrl, { headers: { authorization: `Bearer ${process.env.TENANT_SERVICE_TOKEN}` } });
  const { credentials } = await record.body.json();
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
  const answer = await request(`${urlOf(process.env.GENESYS_LOGIN_URL_TEMPLATE, credentials.region)}/oauth/token`, {
    method: 'POST',
    dispatcher: pool,
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return { credentials, token: (await answer.body.json()).access_token };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
