/**
 * The whatsapp-api-service's part of `npm run demo`: the service on embedded defaults against the local
 * RabbitMQ, with the Meta and tenant-service simulators standing in for the real APIs. Publishes one
 * message per type and one per failure path, waits for each outcome and prints what happened. Resolves
 * false if any outcome differs from what the service promises.
 */
import { outboundEnvelope, waitUntil, WABA_PAYLOAD_SAMPLES } from '@lib/testing';
import { randomUUID } from 'node:crypto';
import { EgressSandbox } from '../../apps/whatsapp-api-service/sandbox/egress-sandbox';

interface Scenario {
  name: string;
  expected: string;
  internalId: string;
  to?: string;
  publish: () => Promise<void>;
}

const ACME = { tenantId: 'acme', phoneNumberId: '106540352242922', accessToken: 'EAAG-demo-acme' };
const GLOBEX = { tenantId: 'globex', phoneNumberId: '106540352242923', accessToken: 'EAAG-demo-globex' };
const INITECH = { tenantId: 'initech', phoneNumberId: '106540352242924', accessToken: 'EAAG-demo-initech' };
const run = randomUUID().slice(0, 8);
let seq = 0;
const recipient = () => `+4917${run.replace(/\D/g, '').padEnd(6, '0').slice(0, 6)}${String(++seq).padStart(3, '0')}`;

export async function runWhatsappDemo(rabbitmqUrl: string, logLevel: string): Promise<boolean> {
  const sandbox = await EgressSandbox.start({
    rabbitmqUrl,
    env: { RETRY_MAX_ATTEMPTS: '3', LOG_LEVEL: logLevel },
    metaLatencyMs: 50,
  });
  [ACME, GLOBEX, INITECH].forEach((tenant) => sandbox.addTenant(tenant));
  sandbox.tenants.addTenant({ tenantId: 'suspended-co', phoneNumberId: '106540352242929', accessToken: 'x', status: 'suspended' });

  const scenarios: Scenario[] = [];
  type PayloadFor = (to: string) => Record<string, unknown>;
  const add = (name: string, expected: string, owner: typeof ACME, payloadFor?: PayloadFor, before?: (to: string) => void) => {
    const to = recipient();
    const envelope = outboundEnvelope({ ...owner, internalId: `demo-${run}-${scenarios.length + 1}`, to, wabaPayload: payloadFor?.(to) });
    scenarios.push({
      name,
      expected,
      internalId: envelope.metadata.internalId,
      to,
      publish: async () => {
        before?.(to);
        await sandbox.publish(envelope);
      },
    });
  };

  for (const [kind, sample] of Object.entries(WABA_PAYLOAD_SAMPLES)) {
    // Meta marks as read only a message the number received: the user's message comes first.
    const received = (to: string) =>
      void sandbox.meta.receiveUserMessage(ACME.phoneNumberId, to, { wamid: WABA_PAYLOAD_SAMPLES.markAsRead().message_id });
    add(`${kind} message`, 'sent', ACME, sample, kind === 'markAsRead' ? received : undefined);
  }
  add('Meta 500 (131000) once', 'sent', ACME, undefined, (to) => sandbox.meta.inject('131000', { match: { to } }));
  add('throughput limit (130429, HTTP 400) once', 'sent', ACME, undefined, (to) => sandbox.meta.inject('130429', { match: { to } }));
  add('Meta 500 on every call', 'failed RETRIES_EXHAUSTED', ACME, undefined, (to) =>
    sandbox.meta.inject('131000', { match: { to }, times: 3 }),
  );
  add('template missing (132001)', 'failed TEMPLATE_ERROR', ACME, WABA_PAYLOAD_SAMPLES.template, (to) =>
    sandbox.meta.inject('132001', { match: { to } }),
  );
  add('24 h window closed (131047)', 'failed WINDOW_EXPIRED', ACME, undefined, (to) => sandbox.meta.inject('131047', { match: { to } }));
  add('token expired (401/190), refreshed', 'sent', GLOBEX, undefined, () => {
    sandbox.meta.addPhoneNumber({ phoneNumberId: GLOBEX.phoneNumberId, accessTokens: [GLOBEX.accessToken, 'EAAG-demo-globex-2'] });
    sandbox.meta.revokeToken(GLOBEX.accessToken);
    sandbox.tenants.tenants.get(GLOBEX.tenantId)!.accessToken = 'EAAG-demo-globex-2';
  });
  add('unknown tenant', 'failed TENANT_NOT_FOUND', { ...ACME, tenantId: 'nobody' });
  add('suspended tenant', 'failed TENANT_INACTIVE', { ...ACME, tenantId: 'suspended-co', phoneNumberId: '106540352242929' });
  add("another tenant's phone number", 'failed TENANT_MISMATCH', { ...ACME, phoneNumberId: GLOBEX.phoneNumberId });
  add('unknown message type', 'failed INVALID_ENVELOPE', ACME, (to) => ({ messaging_product: 'whatsapp', to, type: 'hologram' }));
  add('tenant service down for 3 s', 'sent', INITECH, undefined, () => {
    sandbox.tenants.mode = 'unavailable';
    setTimeout(() => (sandbox.tenants.mode = 'up'), 3000);
  });

  console.log(`Publishing ${scenarios.length + 1} messages to whatsapp-exchange (run ${run})...`);
  // Warm GLOBEX's cached token so the refresh scenario really meets a revoked one.
  const warm = outboundEnvelope({ ...GLOBEX, internalId: `demo-${run}-warm` });
  await sandbox.publish(warm);
  await sandbox.waitForStatus(warm.metadata.internalId);
  for (const scenario of scenarios) await scenario.publish();
  const malformed = Buffer.from('{"metadata": this is not JSON');
  await sandbox.publish(malformed, ACME.tenantId);

  await waitUntil(
    'every outcome',
    () => scenarios.every((s) => sandbox.statusOf(s.internalId)) && sandbox.deadLetters.some((d) => d.content.equals(malformed)),
    60_000,
  );

  const rows = scenarios.map((scenario) => {
    const status = sandbox.statusOf(scenario.internalId);
    const outcome = status.status === 'sent' ? 'sent' : `failed ${status.error.category}`;
    const metaCalls = sandbox.meta.requests.filter(
      (r) => r.body?.to === scenario.to || (scenario.name.startsWith('markAsRead') && r.body?.status === 'read'),
    ).length;
    const detail =
      status.status === 'sent'
        ? (status.wamid ?? '(read receipt)').slice(0, 28)
        : `${status.error.code ?? '-'}: ${status.error.message}`.slice(0, 60);
    return {
      scenario: scenario.name,
      expected: scenario.expected,
      outcome,
      attempts: status.attempts,
      metaCalls,
      detail,
      ok: outcome === scenario.expected,
    };
  });
  const malformedDead = sandbox.deadLetters.find((d) => d.content.equals(malformed))!;
  rows.push({
    scenario: 'not JSON',
    expected: 'failed INVALID_ENVELOPE',
    outcome: `failed ${malformedDead.headers['x-error-category']}`,
    attempts: malformedDead.headers['x-attempts'],
    metaCalls: 0,
    detail: String(malformedDead.headers['x-error-message']).slice(0, 60),
    ok: malformedDead.headers['x-error-category'] === 'INVALID_ENVELOPE',
  });

  console.table(rows.map(({ ok, ...row }) => ({ ...row, check: ok ? 'ok' : 'UNEXPECTED' })));
  const deadLettered = rows.filter((row) => row.outcome.startsWith('failed')).length;
  console.log(
    `${rows.filter((r) => r.outcome === 'sent').length} sent, ${deadLettered} dead-lettered to outbound-failed with reason headers, ${rows.filter((r) => !r.ok).length} unexpected.`,
  );
  console.log(
    `Status events seen on outbound.status.*: ${sandbox.statusEvents.length}. Meta simulator received ${sandbox.meta.requests.length} requests.`,
  );
  console.log(`Note: this demo leaves its ${deadLettered} dead letters in the local broker's outbound-failed queue for inspection.`);
  await sandbox.stop();
  return rows.every((row) => row.ok);
}
