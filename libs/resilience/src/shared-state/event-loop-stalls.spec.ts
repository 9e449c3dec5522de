import { EventLoopStalls } from './event-loop-stalls';

const busyFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};
const nextTimer = () => new Promise((resolve) => setTimeout(resolve, 20));

describe(EventLoopStalls.name, () => {
  it('remembers a stall of the loop, less its sampling resolution', async () => {
    const stalls = new EventLoopStalls();
    try {
      await nextTimer();
      busyFor(120);
      await nextTimer();
      expect(stalls.recentMaxMs()).toBeGreaterThanOrEqual(90);
    } finally {
      stalls.onModuleDestroy();
    }
  });

  it('forgets a stall once it is more than two memory spans old', async () => {
    const stalls = new EventLoopStalls();
    try {
      await nextTimer();
      busyFor(120);
      await nextTimer();
      const start = Date.now();
      jest.spyOn(Date, 'now').mockImplementation(() => start + 15_000);
      expect(stalls.recentMaxMs()).toBeGreaterThanOrEqual(90);
      jest.spyOn(Date, 'now').mockImplementation(() => start + 30_000);
      expect(stalls.recentMaxMs()).toBeLessThan(90);
    } finally {
      jest.restoreAllMocks();
      stalls.onModuleDestroy();
    }
  });
});
