import { Logger, Type } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';

/** A readiness check; the indicators of the libs take the key they report under. */
export interface ReadinessIndicator {
  isHealthy(key: string): HealthIndicatorResult | Promise<HealthIndicatorResult>;
}

/** An indicator class (resolved from the app's modules) and the key its detail appears under. */
export interface ReportedIndicator {
  key: string;
  indicator: Type<ReadinessIndicator>;
}

const logger = new Logger('Health');

/**
 * Runs a check that informs but never fails readiness: a `down` is reported as up in `degraded` mode
 * with its details, and a check that throws as `degraded` with a note (the reason goes to the log,
 * not to whoever asks over HTTP).
 */
export async function reportOnly(key: string, indicator: ReadinessIndicator): Promise<HealthIndicatorResult> {
  try {
    const result = await indicator.isHealthy(key);
    return Object.fromEntries(
      Object.entries(result).map(([name, detail]) => [
        name,
        detail.status === 'up' ? detail : { ...detail, status: 'up', mode: 'degraded' },
      ]),
    );
  } catch (error) {
    logger.warn({ event: 'readiness_check_failed', indicator: key, reason: (error as Error).message });
    return { [key]: { status: 'up', mode: 'degraded', note: 'the check itself failed; see the service log' } };
  }
}

/** Runs the check that decides readiness: one that throws counts as down. */
export async function decisive(key: string, indicator: ReadinessIndicator): Promise<HealthIndicatorResult> {
  try {
    return await indicator.isHealthy(key);
  } catch (error) {
    logger.warn({ event: 'readiness_check_failed', indicator: key, reason: (error as Error).message });
    return { [key]: { status: 'down', reason: 'the check itself failed; see the service log' } };
  }
}
