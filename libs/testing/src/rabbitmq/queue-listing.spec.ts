import { queueDepthsOf } from './queue-listing';

describe(queueDepthsOf.name, () => {
  it('reads each queue and its count, skipping lines that are not a name and a count', () => {
    const listing = 'Timeout: 60.0 seconds ...\nwork\t12\nwork.retry.1\t0\n\nodd\tunknown\n';
    expect(queueDepthsOf(listing)).toEqual(
      new Map([
        ['work', 12],
        ['work.retry.1', 0],
      ]),
    );
  });
});
