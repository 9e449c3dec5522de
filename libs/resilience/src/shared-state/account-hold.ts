/**
 * A tenant paused because the vendor refused its whole business account (locked, restricted, unpaid,
 * misconfigured). Its messages wait in the broker; one message per interval probes the account.
 */
export interface AccountHold {
  tenantId: string;
  /** The vendor's error code that started the hold, or the latest one that extended it. */
  code: number | string;
  /** The vendor's message for it, as classified (bounded, never a token or message text). */
  reason: string;
  /** When the hold started (epoch ms). */
  since: number;
  /** From when one message may probe the account again (epoch ms). */
  nextProbeAt: number;
  probeIntervalMs: number;
  /** Until when the probe in flight is expected to have its answer (epoch ms); the others wait for it. */
  probeVerdictAt?: number;
}

/** What started or extended a hold. */
export interface AccountRefusal {
  code: number | string;
  reason: string;
  probeIntervalMs: number;
}

/** `clear`: no hold; `probe`: this message is the one probe of the interval; `wait`: come back at `until`. */
export type HoldAdmission =
  { verdict: 'clear' } | { verdict: 'probe'; hold: AccountHold } | { verdict: 'wait'; hold: AccountHold; until: number };

/**
 * A hold outlives its last change by its interval and a day: by then every message that waited
 * behind it has come back to probe or has expired (24 h), so nobody is left to lift it.
 */
export const HOLD_IDLE_TTL_MS = 24 * 60 * 60 * 1000;

export function holdTtlMs(hold: Pick<AccountHold, 'probeIntervalMs'>): number {
  return hold.probeIntervalMs + HOLD_IDLE_TTL_MS;
}

/** The in-process twin of the Redis scripts: the same decisions on a plain object. */
export const accountHoldRules = {
  start(tenantId: string, refusal: AccountRefusal, now: number): AccountHold {
    return { tenantId, ...refusal, since: now, nextProbeAt: now + refusal.probeIntervalMs };
  },

  /** Keeps the start and the next probe; a shorter interval brings the next probe forward. */
  extend(hold: AccountHold, refusal: AccountRefusal, now: number): AccountHold {
    return { ...hold, ...refusal, nextProbeAt: Math.min(hold.nextProbeAt, now + refusal.probeIntervalMs) };
  },

  /** Claims the probe when it is due; otherwise says until when to wait. */
  admit(hold: AccountHold, now: number, verdictWaitMs: number): { admission: HoldAdmission; claimed?: AccountHold } {
    if (now < hold.nextProbeAt) return { admission: { verdict: 'wait', hold, until: waitUntil(hold, now) } };
    const claimed = {
      ...hold,
      nextProbeAt: now + hold.probeIntervalMs,
      probeVerdictAt: now + Math.min(verdictWaitMs, hold.probeIntervalMs),
    };
    return { admission: { verdict: 'probe', hold: claimed }, claimed };
  },
};

/** While a probe is out, until its verdict is known (then the backlog follows a lift at once); else the next probe. */
export function waitUntil(hold: AccountHold, now: number): number {
  return hold.probeVerdictAt !== undefined && now < hold.probeVerdictAt ? hold.probeVerdictAt : hold.nextProbeAt;
}

/** A hold from its stored fields (a Redis hash); undefined when they are missing or malformed. */
export function holdFromFields(tenantId: string, fields: Record<string, string>): AccountHold | undefined {
  const since = Number(fields.since);
  const nextProbeAt = Number(fields.nextProbeAt);
  const probeIntervalMs = Number(fields.probeIntervalMs);
  if (![since, nextProbeAt, probeIntervalMs].every(Number.isFinite) || fields.code === undefined) return undefined;
  const verdictAt = Number(fields.probeVerdictAt);
  return {
    tenantId,
    code: /^\d+$/.test(fields.code) ? Number(fields.code) : fields.code,
    reason: fields.reason ?? '',
    since,
    nextProbeAt,
    probeIntervalMs,
    ...(fields.probeVerdictAt !== undefined && Number.isFinite(verdictAt) ? { probeVerdictAt: verdictAt } : {}),
  };
}
