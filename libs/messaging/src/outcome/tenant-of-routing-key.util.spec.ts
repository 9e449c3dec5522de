import { tenantOfRoutingKey } from './tenant-of-routing-key.util';

describe('tenantOfRoutingKey', () => {
  it.each([
    ['outbound.processed.acme', 'acme'],
    ['inbound.processed.tenant_1-x', 'tenant_1-x'],
    ['a.b.c.d', 'd'],
    ['.acme', 'acme'],
  ])('reads %p as tenant %p', (routingKey, tenant) => {
    expect(tenantOfRoutingKey(routingKey)).toBe(tenant);
  });

  it.each(['acme', 'outbound.processed.', '', '.'])('finds no tenant in %p', (routingKey) => {
    expect(tenantOfRoutingKey(routingKey)).toBeUndefined();
  });
});
