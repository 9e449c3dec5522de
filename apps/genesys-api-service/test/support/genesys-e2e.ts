import { INestApplication } from '@nestjs/common';
import { metricPrefixFor } from '@lib/observability';
import { GenesysCloudSimulator, GenesysEndpoint, GenesysRecordedRequest } from '@lib/testing';
import request from 'supertest';
import { GenesysSandboxTenant } from '../../sandbox/genesys-sandbox';
import { SERVICE_NAME } from '../../src/config/genesys.config';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * What Genesys got from the service for `tenant`, logins included, in order: calls naming its OAuth
 * client or its integration (a call refused for its token names no client).
 */
export function callsOf(
  genesys: GenesysCloudSimulator,
  tenant: GenesysSandboxTenant,
  endpoint?: GenesysEndpoint,
): GenesysRecordedRequest[] {
  const ofTenant = (call: GenesysRecordedRequest) => call.clientId === tenant.clientId || call.integrationId === tenant.integrationId;
  return genesys.requests.filter((call) => ofTenant(call) && call.region === tenant.region && (!endpoint || call.endpoint === endpoint));
}

/** The `/metrics` text of the in-process service, or of a replica at its URL. */
export async function scrapeMetrics(service: INestApplication | string): Promise<string> {
  if (typeof service === 'string') return (await fetch(`${service}/metrics`)).text();
  return (await request(service.getHttpServer()).get('/metrics')).text;
}

/** The sum of the service's metric `name` (without the service prefix) over the series whose labels include `labels`; 0 without one. */
export function metricSum(metrics: string, name: string, labels: Record<string, string> = {}): number {
  const fullName = metricPrefixFor(SERVICE_NAME) + name;
  let sum = 0;
  for (const line of metrics.split('\n')) {
    const series = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? ([-+\d.eE]+|NaN)$/.exec(line);
    if (!series || series[1] !== fullName) continue;
    const own = Object.fromEntries([...(series[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => own[key] === value)) sum += Number(series[3]);
  }
  return sum;
}
