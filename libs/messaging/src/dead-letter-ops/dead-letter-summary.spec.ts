import { DeadLetterSummary } from './dead-letter-summary';

describe('DeadLetterSummary', () => {
  it('counts by tenant and category, largest group first', () => {
    const summary = new DeadLetterSummary();
    for (const entry of [
      { tenantId: 'acme', category: 'AUTH' },
      { tenantId: 'globex', category: 'WINDOW_EXPIRED' },
      { tenantId: 'acme', category: 'WINDOW_EXPIRED' },
      { tenantId: 'globex', category: 'WINDOW_EXPIRED' },
      { category: 'UNKNOWN' },
    ]) {
      summary.add(entry);
    }
    expect(summary.total).toBe(5);
    expect(summary.rows()).toEqual([
      { tenantId: 'globex', category: 'WINDOW_EXPIRED', count: 2 },
      { tenantId: '(unknown)', category: 'UNKNOWN', count: 1 },
      { tenantId: 'acme', category: 'AUTH', count: 1 },
      { tenantId: 'acme', category: 'WINDOW_EXPIRED', count: 1 },
    ]);
    expect(summary.byTenant()).toEqual({ '(unknown)': 1, acme: 2, globex: 2 });
    expect(summary.byCategory()).toEqual({ AUTH: 1, UNKNOWN: 1, WINDOW_EXPIRED: 3 });
  });
});
