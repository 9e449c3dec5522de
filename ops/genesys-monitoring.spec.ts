import { GENESYS_MONITORING } from './checks/monitored-services';
import { opsExpressionTexts } from './checks/ops-documents';

/** What genesys-api-service's alert rules and dashboard cover beyond what every service's do (monitoring.spec.ts). */
const { prefix, files } = GENESYS_MONITORING;
const { alertExprs, panelExprs } = opsExpressionTexts(files);

describe('genesys-api-service monitoring', () => {
  it('pages per region on Genesys failing and on its breaker, and per tenant on 429s and refused credentials', () => {
    expect(alertExprs).toContain(`sum by (region) (rate(${prefix}genesys_api_requests_total{status_code=~"5..|0"}[5m]))`);
    expect(alertExprs).toContain(`max by (region) (${prefix}circuit_breaker_state{region!=""}) > 0`);
    expect(alertExprs).toContain(`sum by (tenant) (increase(${prefix}rate_limit_pauses_total[15m]))`);
    expect(alertExprs).toContain(`sum by (tenant, region) (increase(${prefix}genesys_login_requests_total{status_code="401"}[15m])) > 0`);
    expect(alertExprs).toContain(`${prefix}access_token_fetches_total{cache="genesys",result="unavailable"}`);
  });

  it('shows Genesys calls by status and region with latency percentiles, breakers by region, tokens, 429 pauses and drops', () => {
    expect(panelExprs).toContain(`sum by (region, status_code) (rate(${prefix}genesys_api_requests_total{tenant=~"$tenant"}`);
    for (const quantile of ['0.5', '0.95', '0.99'])
      expect(panelExprs).toContain(
        `histogram_quantile(${quantile}, sum by (le) (rate(${prefix}genesys_api_request_duration_seconds_bucket`,
      );
    expect(panelExprs).toContain(`max by (region) (${prefix}circuit_breaker_state{region!=""})`);
    for (const metric of [
      'access_token_cache_requests_total',
      'access_token_fetches_total',
      'access_token_fetch_duration_seconds_bucket',
      'rate_limit_pauses_total',
      'rate_limit_delayed_total',
      'messages_dropped_total',
      'messages_duplicate_total',
      'credential_cache_requests_total',
    ]) {
      expect(panelExprs).toContain(prefix + metric);
    }
  });
});
