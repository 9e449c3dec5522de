import { ConfigValidationError } from '../config/config-validation.error';
import { startupFailureLine } from './startup-failure';

describe('startupFailureLine', () => {
  const at = new Date('2026-01-02T03:04:05.000Z');

  it('is one JSON line naming the service, the event and the reason', () => {
    const line = startupFailureLine('egress-test', new ConfigValidationError(['PORT must be an integer number']), at);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      level: 'fatal',
      service: 'egress-test',
      event: 'startup_failed',
      time: '2026-01-02T03:04:05.000Z',
      msg: 'Invalid configuration:\n  - PORT must be an integer number',
    });
  });

  it('takes a thrown value that is not an Error as its reason', () => {
    expect(JSON.parse(startupFailureLine('egress-test', 'broker gone', at))).toMatchObject({ msg: 'broker gone' });
  });
});
