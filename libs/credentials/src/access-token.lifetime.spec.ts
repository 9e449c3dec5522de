import { tokenScheduleFor } from './access-token.lifetime';

const S = 1000;
const issuedAt = Date.UTC(2026, 0, 1);

describe('tokenScheduleFor', () => {
  it('keeps a 5-minute token for 4.5 minutes and refreshes it from 4 minutes on (10 % margin)', () => {
    expect(tokenScheduleFor(issuedAt, 300)).toEqual({ refreshAt: issuedAt + 240 * S, usableUntil: issuedAt + 270 * S });
  });

  it('caps the margin of a 48-hour token to a minute', () => {
    const lifetime = 48 * 3600;
    expect(tokenScheduleFor(issuedAt, lifetime)).toEqual({
      refreshAt: issuedAt + (lifetime - 120) * S,
      usableUntil: issuedAt + (lifetime - 60) * S,
    });
  });

  it('keeps at least 5 seconds of margin on a short token', () => {
    expect(tokenScheduleFor(issuedAt, 30)).toEqual({ refreshAt: issuedAt + 20 * S, usableUntil: issuedAt + 25 * S });
  });

  it('still reuses a token too short for that margin for its first third', () => {
    expect(tokenScheduleFor(issuedAt, 6)).toEqual({ refreshAt: issuedAt + 2 * S, usableUntil: issuedAt + 4 * S });
  });
});
