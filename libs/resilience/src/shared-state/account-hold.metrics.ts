import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MetricFactory, OTHER_TENANTS, TenantLabel } from '@lib/observability';
import { Counter, Gauge } from 'prom-client';
import { AccountHoldStore } from './account-hold.store';

const SAMPLE_EVERY_MS = 15_000;
/** Holds read per sample; more than that are reported together under `tenant="other"`. */
const SAMPLED_HOLDS = 200;

export type HoldTransition = 'started' | 'lifted';

/**
 * `account_holds{tenant,code}`: the tenants on hold, read from the shared store every 15 s (and at
 * once after this replica starts or lifts one), so that every replica reports a hold another replica
 * started or lifted. `account_hold_transitions_total{tenant,transition}` counts this replica's changes.
 */
@Injectable()
export class AccountHoldMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccountHold');
  private readonly held: Gauge<'tenant' | 'code'>;
  private readonly transitions: Counter<'tenant' | 'transition'>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: AccountHoldStore,
    private readonly tenantLabel: TenantLabel,
    metrics: MetricFactory,
  ) {
    this.held = metrics.gauge('account_holds', 'Tenants whose business account is on hold, by the error code that holds it', [
      'tenant',
      'code',
    ]);
    this.transitions = metrics.counter('account_hold_transitions_total', 'Account holds started and lifted by this replica', [
      'tenant',
      'transition',
    ]);
  }

  onApplicationBootstrap(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  recordTransition(tenantId: string, transition: HoldTransition): void {
    this.transitions.inc({ tenant: this.tenantLabel.for(tenantId), transition });
    void this.sample();
  }

  private async sample(): Promise<void> {
    try {
      const { total, holds } = await this.store.list(SAMPLED_HOLDS);
      this.held.reset();
      for (const hold of holds) this.held.inc({ tenant: this.tenantLabel.for(hold.tenantId), code: String(hold.code) });
      if (total > holds.length) this.held.inc({ tenant: OTHER_TENANTS, code: OTHER_TENANTS }, total - holds.length);
    } catch (error) {
      this.logger.debug({ event: 'account_holds_unavailable', reason: (error as Error).message });
    }
  }
}
