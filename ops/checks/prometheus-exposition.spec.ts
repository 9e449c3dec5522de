import { PrometheusExposition } from './prometheus-exposition';

const TEXT = [
  '# HELP sent_total Messages sent.',
  '# TYPE sent_total counter',
  'sent_total{tenant="acme",type="text"} 3',
  'sent_total{tenant="globex",type="text"} 1',
  '# TYPE call_seconds histogram',
  'call_seconds_bucket{tenant="acme",le="0.1"} 2',
  'call_seconds_bucket{tenant="acme",le="+Inf"} 3',
  'call_seconds_sum{tenant="acme"} 0.4',
  'call_seconds_count{tenant="acme"} 3',
  '# TYPE in_flight gauge',
  'in_flight 0',
].join('\n');

describe('PrometheusExposition', () => {
  const metrics = PrometheusExposition.parse(TEXT);

  it('reads the value of the series whose labels include the ones asked for', () => {
    expect(metrics.valueOf('sent_total', { tenant: 'globex' })).toBe(1);
    expect(metrics.valueOf('call_seconds_count', { tenant: 'acme' })).toBe(3);
    expect(metrics.valueOf('in_flight', {})).toBe(0);
    expect(metrics.valueOf('sent_total', { tenant: 'initech' })).toBeUndefined();
  });

  it('finds nothing wrong with families exported as promised (le only on buckets)', () => {
    expect(metrics.problemsWith('sent_total', 'counter', ['type', 'tenant'])).toEqual([]);
    expect(metrics.problemsWith('call_seconds', 'histogram', ['tenant'])).toEqual([]);
    expect(metrics.problemsWith('in_flight', 'gauge', [])).toEqual([]);
  });

  it('names a missing family, another type and other label names', () => {
    expect(metrics.problemsWith('dropped_total', 'counter', [])).toEqual(['dropped_total is not exported']);
    expect(metrics.problemsWith('in_flight', 'counter', [])).toEqual(['in_flight is a gauge, not a counter']);
    expect(metrics.problemsWith('sent_total', 'counter', ['tenant'])).toEqual(['sent_total is labelled [tenant,type], not [tenant]']);
  });

  it('names a histogram that lacks one of its three series', () => {
    const partial = PrometheusExposition.parse(
      TEXT.split('\n')
        .filter((line) => !line.startsWith('call_seconds_sum'))
        .join('\n'),
    );
    expect(partial.problemsWith('call_seconds', 'histogram', ['tenant'])).toEqual([
      'call_seconds has the series _bucket,_count, not _bucket,_count,_sum',
    ]);
  });
});
