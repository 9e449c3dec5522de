import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DeliveryError } from '../errors/delivery-error';
import { DeliveryErrorCategory } from '../errors/delivery-error-category';
import { withinDeadline } from '../policies/handling-deadline';
import { executeCountingHealth } from '../policies/health-breaker';
import { TenantPolicyRegistry } from '../policies/tenant-policy.registry';
import { RESILIENCE_OPTIONS, ResilienceOptions } from '../resilience.options';

/** A saturated tenant's message waits at least this long, behind the tenant's own backlog. */
const BUSY_WAIT_MS = 1000;

/** Policies of messages that name no tenant share this key. */
export const UNKNOWN_TENANT_KEY = '(unknown)';

/**
 * Applies the handling deadline and the tenant's bulkhead, and (`interceptorBreaker: 'per-tenant'`) the
 * tenant's circuit breaker, around a queue handler. It never maps the handler's result: an unhealthy
 * outcome (5xx, timeout, throttling) is counted by the breaker and passed through unchanged. When a policy refuses the message it throws a
 * `DeliveryError` whose next step is `defer`, so the message waits in the broker without spending a
 * vendor attempt and other tenants keep flowing.
 */
@Injectable()
export class TenantResilienceInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: TenantPolicyRegistry,
    @Inject(RESILIENCE_OPTIONS) private readonly options: ResilienceOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tenantId = this.options.tenantOf(context) ?? UNKNOWN_TENANT_KEY;
    return from(this.run(tenantId, () => lastValueFrom(next.handle())));
  }

  private async run(tenantId: string, handle: () => Promise<unknown>): Promise<unknown> {
    const { policy, breaker, bulkhead, waiters } = this.registry.for(tenantId);
    if (bulkhead.executionSlots === 0 && !(await waiters.turn())) throw this.busy(tenantId);
    const execution = executeCountingHealth(policy, handle, breaker);
    execution.then(
      () => waiters.released(),
      (error: unknown) => {
        // Refused by the bulkhead after all (a slot taken in between): it held no slot to hand on.
        if (!(error instanceof BulkheadRejectedError)) waiters.released();
      },
    );
    try {
      return await withinDeadline(execution, this.options.handlerTimeoutMs, () => this.timedOut());
    } catch (error) {
      throw this.refusal(tenantId, error);
    }
  }

  private busy(tenantId: string): DeliveryError {
    return new DeliveryError(
      DeliveryErrorCategory.TENANT_BUSY,
      `tenant '${tenantId}' already has ${this.options.maxInFlightPerTenant} messages in flight`,
      { minRetryDelayMs: BUSY_WAIT_MS, inTenantQueue: true },
    );
  }

  private timedOut(): DeliveryError {
    return new DeliveryError(DeliveryErrorCategory.HANDLING_TIMEOUT, `handling exceeded ${this.options.handlerTimeoutMs} ms`);
  }

  private refusal(tenantId: string, error: unknown): unknown {
    if (error instanceof BrokenCircuitError) {
      return new DeliveryError(DeliveryErrorCategory.TENANT_CIRCUIT_OPEN, `circuit open for tenant '${tenantId}'`, {
        minRetryDelayMs: this.options.halfOpenAfterMs,
      });
    }
    if (error instanceof BulkheadRejectedError) return this.busy(tenantId);
    return error;
  }
}
