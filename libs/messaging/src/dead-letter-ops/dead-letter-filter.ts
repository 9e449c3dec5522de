import { DeadLetterEntry } from './dead-letter-entry';

/** Which dead-letter entries an operation applies to; every given criterion must hold. */
export interface DeadLetterFilter {
  tenantId?: string;
  /** Compared case-insensitively. */
  category?: string;
  /** The service's id of the message (`DeadLetterEntry.messageId`). */
  messageId?: string;
  /** Only entries dead-lettered at least this long ago; entries of unknown age never match. */
  olderThanMs?: number;
}

export function matchesFilter(entry: DeadLetterEntry, filter: DeadLetterFilter, now: Date): boolean {
  if (filter.tenantId !== undefined && entry.tenantId !== filter.tenantId) return false;
  if (filter.category !== undefined && entry.category !== filter.category.toUpperCase()) return false;
  if (filter.messageId !== undefined && entry.messageId !== filter.messageId) return false;
  if (filter.olderThanMs !== undefined) {
    const failedAt = entry.failedAt ? Date.parse(entry.failedAt) : NaN;
    if (Number.isNaN(failedAt) || now.getTime() - failedAt < filter.olderThanMs) return false;
  }
  return true;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `1h`, `2d` (or `1h30m`) in milliseconds; undefined when it is not such a duration. */
export function parseDuration(value: string): number | undefined {
  const parts = [...value.trim().matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value.trim()) return undefined;
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit], 0);
}
