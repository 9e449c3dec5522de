import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { growingLruCache } from '../footprint/growing-lru-cache';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from '../observability.options';

/** A day: a tenant that sent nothing for that long proves itself again with its next credential fetch. */
const VERIFIED_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * Tenants this process has seen confirmed by the tenant service (their credentials were fetched).
 * Routing keys and envelopes are input: a tenant id alone is a claim. Whatever a tenant id buys (its
 * own metric label, a place in the protected part of the policy registry, a broker queue of its own)
 * is given to verified tenants only, so a flood of made-up ids cannot crowd out real tenants.
 * Bounded in memory; the least recently confirmed are forgotten first.
 */
@Injectable()
export class VerifiedTenants {
  private readonly tenants: LRUCache<string, true>;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.tenants = growingLruCache<string, true>(options.maxVerifiedTenants ?? 100_000, { ttl: VERIFIED_FOR_MS });
  }

  /** Called once the tenant service answered with the tenant's credentials. */
  confirm(tenantId: string): void {
    this.tenants.set(tenantId, true);
  }

  has(tenantId: string | undefined): boolean {
    return tenantId !== undefined && this.tenants.has(tenantId);
  }
}
