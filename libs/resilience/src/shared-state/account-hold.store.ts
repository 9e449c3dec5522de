import { Inject, Injectable } from '@nestjs/common';
import { growingLruCache } from '@lib/observability';
import { AccountHold, accountHoldRules, AccountRefusal, HoldAdmission, holdTtlMs } from './account-hold';
import { admitInRedis, holdInRedis, liftInRedis, readAccountHold, readAccountHolds } from './account-hold.redis';
import { RedisConnection } from './redis-connection.service';
import { SHARED_STATE_OPTIONS, SharedStateOptions } from './shared-state.options';

/**
 * Which tenants are paused because the vendor refused their business account, shared by every
 * replica through Redis (in this process when Redis is unreachable, like the delivery ledger). A
 * probe slot is claimed atomically, so one message per interval probes the account across replicas;
 * the others wait for its verdict (at most `staleClaimMs`, the longest handling of a message).
 */
@Injectable()
export class AccountHoldStore {
  private readonly memory = growingLruCache<string, AccountHold>(100_000);

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SHARED_STATE_OPTIONS) private readonly options: SharedStateOptions,
  ) {}

  /** Before a vendor call: go ahead (`clear`), be the interval's probe, or wait. */
  admit(tenantId: string, now = Date.now()): Promise<HoldAdmission> {
    return this.redis.withFallback(
      (redis) => admitInRedis(redis, this.options.keyPrefix, tenantId, now, this.options.staleClaimMs),
      () => {
        const hold = this.memory.get(tenantId);
        if (!hold) return { verdict: 'clear' };
        const { admission, claimed } = accountHoldRules.admit(hold, now, this.options.staleClaimMs);
        if (claimed) this.remember(claimed);
        return admission;
      },
    );
  }

  /** Starts a hold, or extends the running one with the latest refusal. */
  hold(tenantId: string, refusal: AccountRefusal, now = Date.now()): Promise<{ hold: AccountHold; started: boolean }> {
    return this.redis.withFallback(
      (redis) => holdInRedis(redis, this.options.keyPrefix, tenantId, refusal, now),
      () => {
        const running = this.memory.get(tenantId);
        const hold = running ? accountHoldRules.extend(running, refusal, now) : accountHoldRules.start(tenantId, refusal, now);
        this.remember(hold);
        return { hold, started: !running };
      },
    );
  }

  /** Ends a hold; answers the hold that was lifted, if there was one. */
  lift(tenantId: string): Promise<AccountHold | undefined> {
    return this.redis.withFallback(
      (redis) => liftInRedis(redis, this.options.keyPrefix, tenantId),
      () => {
        const hold = this.memory.get(tenantId);
        this.memory.delete(tenantId);
        return hold;
      },
    );
  }

  get(tenantId: string): Promise<AccountHold | undefined> {
    return this.redis.withFallback(
      (redis) => readAccountHold(redis, this.options.keyPrefix, tenantId),
      () => this.memory.get(tenantId),
    );
  }

  /** The `limit` oldest holds, and how many tenants are on hold. */
  list(limit: number): Promise<{ total: number; holds: AccountHold[] }> {
    return this.redis.withFallback(
      (redis) => readAccountHolds(redis, this.options.keyPrefix, limit),
      () => {
        const holds = [...this.memory.values()].sort((a, b) => a.since - b.since);
        return { total: holds.length, holds: holds.slice(0, limit) };
      },
    );
  }

  private remember(hold: AccountHold): void {
    this.memory.set(hold.tenantId, hold, { ttl: holdTtlMs(hold) });
  }
}
