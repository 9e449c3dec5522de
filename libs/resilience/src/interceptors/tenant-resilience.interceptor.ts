import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError, timeout, TimeoutPolicy, TimeoutStrategy } from 'cockatiel';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory } from '../errors/delivery-error-category';
import { executeCountingHealth } from '../policies/health-breaker';
import { TenantPolicyRegistry } from '../policies/tenant-policy.registry';
import { RESILIENCE_OPTIONS, ResilienceOptions } from '../resilience.options';

/** A saturated tenant's message waits at least this long, behind the tenant's own backlog. */
const BUSY_WAIT_MS = 1000;

/** Policies of messages that name no tenant share this key. */
export const UNKNOWN_TENANT_KEY = '(unknown)';

/**
 * Applies the handling timeout and the tenant's bulkhead, and (`interceptorBreaker: 'per-tenant'`) the
 * tenant's circuit breaker, around a queue handler. It never maps the handler's result: an unhealthy
 * outcome (5xx, timeout, throttling) is counted by the breaker and passed through unchanged. When a policy refuses the message it throws a
 * `DeliveryError` whose next step is `defer`, so the message waits in the broker without spending a
 * vendor attempt and other tenants keep flowing.
 */
@Injectable()
export class TenantResilienceInterceptor implements NestInterceptor {
  private readonly handlingTimeout: TimeoutPolicy;

  constructor(
    private readonly registry: TenantPolicyRegistry,
    @Inject(RESILIENCE_OPTIONS) private readonly options: ResilienceOptions,
  ) {
    this.handlingTimeout = timeout(options.handlerTimeoutMs, TimeoutStrategy.Aggressive);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tenantId = this.options.tenantOf(context) ?? UNKNOWN_TENANT_KEY;
    return from(this.run(tenantId, () => lastValueFrom(next.handle())));
  }

  private async run(tenantId: string, handle: () => Promise<unknown>): Promise<unknown> {
    const { policy } = this.registry.for(tenantId);
    try {
      return await this.handlingTimeout.execute(() => executeCountingHealth(policy, handle));
    } catch (error) {
      throw this.refusal(tenantId, error);
    }
  }

  private refusal(tenantId: string, error: unknown): unknown {
    if (error instanceof BrokenCircuitError) {
      return new DeliveryError(DeliveryErrorCategory.TENANT_CIRCUIT_OPEN, `circuit open for tenant '${tenantId}'`, {
        minRetryDelayMs: this.options.halfOpenAfterMs,
      });
    }
    if (error instanceof BulkheadRejectedError) {
      return new DeliveryError(
        DeliveryErrorCategory.TENANT_BUSY,
        `tenant '${tenantId}' already has ${this.options.maxInFlightPerTenant} messages in flight`,
        { minRetryDelayMs: BUSY_WAIT_MS, inTenantQueue: true },
      );
    }
    if (error instanceof TaskCancelledError) {
      return new DeliveryError(DeliveryErrorCategory.HANDLING_TIMEOUT, `handling exceeded ${this.options.handlerTimeoutMs} ms`);
    }
    return error;
  }
}
