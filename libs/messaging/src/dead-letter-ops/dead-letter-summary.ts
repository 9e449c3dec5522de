import { DeadLetterEntry } from './dead-letter-entry';

/** Label of entries whose tenant could not be told from headers, body or routing key. */
export const UNKNOWN_TENANT = '(unknown)';

export interface DeadLetterCount {
  tenantId: string;
  category: string;
  count: number;
}

/** Counts by tenant and category, built one entry at a time so a scan need not keep every entry. */
export class DeadLetterSummary {
  private readonly counts = new Map<string, DeadLetterCount>();
  total = 0;

  add(entry: Pick<DeadLetterEntry, 'tenantId' | 'category'>): void {
    const tenantId = entry.tenantId ?? UNKNOWN_TENANT;
    const key = JSON.stringify([tenantId, entry.category]);
    const existing = this.counts.get(key) ?? { tenantId, category: entry.category, count: 0 };
    existing.count += 1;
    this.counts.set(key, existing);
    this.total += 1;
  }

  /** One row per (tenant, category), largest first, then by tenant and category. */
  rows(): DeadLetterCount[] {
    return [...this.counts.values()].sort(
      (a, b) => b.count - a.count || a.tenantId.localeCompare(b.tenantId) || a.category.localeCompare(b.category),
    );
  }

  byTenant(): Record<string, number> {
    return this.totalsBy('tenantId');
  }

  byCategory(): Record<string, number> {
    return this.totalsBy('category');
  }

  private totalsBy(field: 'tenantId' | 'category'): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const row of this.counts.values()) totals[row[field]] = (totals[row[field]] ?? 0) + row.count;
    return Object.fromEntries(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)));
  }
}
