import { WHATSAPP_MONITORING } from './checks/monitored-services';
import { opsExpressionTexts } from './checks/ops-documents';

/** What whatsapp-api-service's alert rules and dashboard cover beyond what every service's do (monitoring.spec.ts). */
const { prefix, files } = WHATSAPP_MONITORING;
const { alertExprs, panelExprs } = opsExpressionTexts(files);

describe('whatsapp-api-service monitoring', () => {
  it('pages on account holds, Meta failing and publishers blocked', () => {
    expect(alertExprs).toContain(`${prefix}account_holds`);
    expect(alertExprs).toContain(`${prefix}meta_api_requests_total{status_code=~"5..|0"}`);
    expect(alertExprs).toContain(`${prefix}broker_blocked`);
  });

  it('shows account holds, the credential cache, Graph API latency percentiles and breakers per tenant', () => {
    for (const metric of ['account_holds', 'credential_cache_requests_total', 'rate_limit_delayed_total'])
      expect(panelExprs).toContain(prefix + metric);
    for (const quantile of ['0.5', '0.95', '0.99'])
      expect(panelExprs).toContain(`histogram_quantile(${quantile}, sum by (le) (rate(${prefix}meta_api_request_duration_seconds_bucket`);
    expect(panelExprs).toContain(`max by (tenant) (${prefix}circuit_breaker_state{tenant=~"$tenant"})`);
  });
});
