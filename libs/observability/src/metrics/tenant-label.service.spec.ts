import { VerifiedTenants } from '../tenants/verified-tenants.service';
import { TenantLabel } from './tenant-label.service';

describe(TenantLabel.name, () => {
  const options = { serviceName: 'svc', version: '1', logLevel: 'info', maxTenantLabels: 2 };

  function labelWith(verifiedTenants: string[]): TenantLabel {
    const verified = new VerifiedTenants(options);
    verifiedTenants.forEach((tenant) => verified.confirm(tenant));
    return new TenantLabel(options, verified);
  }

  it('keeps the first verified tenants and folds the rest into other', () => {
    const label = labelWith(['a', 'b', 'c', 'd']);
    expect(['a', 'b', 'c', 'a', 'd'].map((tenant) => label.for(tenant))).toEqual(['a', 'b', 'other', 'a', 'other']);
  });

  it('labels a missing tenant as unknown', () => {
    expect(labelWith([]).for(undefined)).toBe('unknown');
  });

  it('gives made-up tenant ids no label of their own and no slot: real tenants keep theirs', () => {
    const label = labelWith(['real-1', 'real-2']);
    for (let i = 0; i < 1000; i += 1) expect(label.for(`junk-${i}`)).toBe('unknown');
    expect(label.for('real-1')).toBe('real-1');
    expect(label.for('real-2')).toBe('real-2');
  });
});
