import { EventLoopLag } from './event-loop-lag';

const busyFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};
const nextTimer = () => new Promise((resolve) => setTimeout(resolve, 20));

describe(EventLoopLag.name, () => {
  it('reads 0 on a loop that keeps time, and the mean lag once the loop stalls', async () => {
    const lag = new EventLoopLag();
    try {
      for (let i = 0; i < 3; i += 1) await nextTimer();
      expect(lag.recentMs()).toBeLessThan(10);
      busyFor(200);
      await nextTimer();
      expect(lag.recentMs()).toBeGreaterThanOrEqual(20);
    } finally {
      lag.onModuleDestroy();
    }
  });

  it('forgets a lag once it is more than two memory spans old', async () => {
    const lag = new EventLoopLag();
    try {
      await nextTimer();
      busyFor(200);
      await nextTimer();
      const start = Date.now();
      jest.spyOn(Date, 'now').mockImplementation(() => start + 1000);
      expect(lag.recentMs()).toBeGreaterThanOrEqual(20);
      jest.spyOn(Date, 'now').mockImplementation(() => start + 2000);
      expect(lag.recentMs()).toBeLessThan(20);
    } finally {
      jest.restoreAllMocks();
      lag.onModuleDestroy();
    }
  });
});
