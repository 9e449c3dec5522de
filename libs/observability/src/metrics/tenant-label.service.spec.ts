import { TenantLabel } from './tenant-label.service';

describe(TenantLabel.name, () => {
  const options = { serviceName: 'svc', version: '1', logLevel: 'info', maxTenantLabels: 2 };

  it('keeps the first tenants and folds the rest into other', () => {
    const label = new TenantLabel(options);
    expect(['a', 'b', 'c', 'a', 'd'].map((tenant) => label.for(tenant))).toEqual(['a', 'b', 'other', 'a', 'other']);
  });

  it('labels a missing tenant as unknown', () => {
    expect(new TenantLabel(options).for(undefined)).toBe('unknown');
  });
});
