import { freePort } from '../../net/free-port';
import { answered, GenesysTestClient, inboundMessage } from '../genesys/genesys-cloud.test-client';
import { TenantServiceSimulator } from '../tenant-service/tenant-service.simulator';
import { LocalSimulators } from './local-simulators';
import { DEFAULT_LOCAL_TENANTS, localStackConfig } from './local-stack.config';

const ANY_PORT = { META_SIM_PORT: '0', TENANT_SIM_PORT: '0', GENESYS_SIM_PORT: '0' };

async function credentials(simulators: LocalSimulators, tenantId: string, type: 'whatsapp' | 'genesys') {
  const response = await fetch(`${simulators.tenantService.url}/api/v1/tenants/${tenantId}/credentials?type=${type}`, {
    headers: { authorization: 'Bearer tenant-service-token' },
  });
  expect(response.status).toBe(200);
  return (await response.json()).credentials;
}

describe(LocalSimulators.name, () => {
  describe('with the default tenants', () => {
    let simulators: LocalSimulators;
    beforeAll(async () => {
      simulators = await LocalSimulators.start(localStackConfig(ANY_PORT));
    });
    afterAll(() => simulators.stop());

    it.each(DEFAULT_LOCAL_TENANTS.map((tenant) => tenant.tenantId))(
      "hands out %s's WhatsApp credentials that the Meta simulator accepts",
      async (tenantId) => {
        const { phoneNumberId, systemUserAccessToken } = await credentials(simulators, tenantId, 'whatsapp');
        const response = await fetch(`${simulators.meta.url}/v26.0/${phoneNumberId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${systemUserAccessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ messaging_product: 'whatsapp', to: '+4915112345678', type: 'text', text: { body: 'hi' } }),
        });
        expect(response.status).toBe(200);
      },
    );

    it.each(DEFAULT_LOCAL_TENANTS.map((tenant) => tenant.tenantId))(
      "hands out %s's Genesys credentials that log in to their region and post to their integration",
      async (tenantId) => {
        const { region, clientId, clientSecret, integrationId } = await credentials(simulators, tenantId, 'genesys');
        const api = new GenesysTestClient(simulators.genesys, region);
        const token = await api.token(clientId, clientSecret);
        expect(answered(await api.postMessage(token, integrationId, inboundMessage())).status).toBe(200);
      },
    );

    it('says where each simulator listens, with the Genesys login and API URL templates, and names no secret', () => {
      const summary = simulators.summary().join('\n');
      expect(summary).toContain(`login ${simulators.genesys.url}/login/{region}, API ${simulators.genesys.url}/api/{region}`);
      expect(summary).toContain(`Meta Graph API simulator on ${simulators.meta.url}`);
      expect(summary).toContain(`Tenant service simulator on ${simulators.tenantService.url}`);
      expect(summary).toContain('acme (phone-number-id 106540352242922; Genesys mypurecloud.ie integration');
      for (const tenant of DEFAULT_LOCAL_TENANTS) {
        expect(summary).not.toContain(tenant.accessToken);
        expect(summary).not.toContain(tenant.genesys!.clientSecret);
      }
    });
  });

  it('serves a Genesys-only tenant from SIM_TENANTS: no WhatsApp credentials, a working Genesys client', async () => {
    const genesys = { region: 'mypurecloud.ie', clientId: 'gc-client', clientSecret: 'gc-secret', integrationId: 'gc-integration' };
    const simulators = await LocalSimulators.start(
      localStackConfig({ ...ANY_PORT, SIM_TENANTS: JSON.stringify([{ tenantId: 'gc', genesys }]) }),
    );
    try {
      const response = await fetch(`${simulators.tenantService.url}/api/v1/tenants/gc/credentials?type=whatsapp`, {
        headers: { authorization: 'Bearer tenant-service-token' },
      });
      expect(response.status).toBe(404);
      const api = new GenesysTestClient(simulators.genesys, 'mypurecloud.ie');
      const token = await api.token('gc-client', 'gc-secret');
      expect(answered(await api.postMessage(token, 'gc-integration', inboundMessage())).status).toBe(200);
    } finally {
      await simulators.stop();
    }
  });

  it('names the variable of a port in use, and stops the simulators it had started', async () => {
    const taken = new TenantServiceSimulator();
    await taken.start();
    const metaPort = await freePort();
    try {
      const starting = LocalSimulators.start(
        localStackConfig({ ...ANY_PORT, META_SIM_PORT: String(metaPort), GENESYS_SIM_PORT: String(taken.port) }),
      );
      await expect(starting).rejects.toThrow(`Genesys Cloud simulator cannot listen on 127.0.0.1:${taken.port} (GENESYS_SIM_PORT): `);
      const again = new TenantServiceSimulator();
      await again.start(metaPort);
      await again.stop();
    } finally {
      await taken.stop();
    }
  });
});
