import { DeliveryState } from '@lib/messaging';
import { DeliveryErrorCategory, nextStepFor } from '@lib/resilience';
import { assertWithinSendWindow } from './send-window';

const state = (sendBy?: number): DeliveryState => ({
  attempts: 0,
  deferrals: 0,
  firstSeenAt: 0,
  originalRoutingKey: 'outbound.acme',
  sendBy,
});

describe(assertWithinSendWindow.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('lets a call start up to the end of the window, and any call when no claim set one', () => {
    jest.spyOn(Date, 'now').mockReturnValue(10_000);
    expect(() => assertWithinSendWindow(state(10_000))).not.toThrow();
    expect(() => assertWithinSendWindow(state())).not.toThrow();
  });

  it('refuses a call past the window as a handling timeout, which waits in the broker without spending an attempt', () => {
    jest.spyOn(Date, 'now').mockReturnValue(10_250);
    let refusal: unknown;
    try {
      assertWithinSendWindow(state(10_000));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ category: DeliveryErrorCategory.HANDLING_TIMEOUT, message: expect.stringContaining('250 ms past') });
    expect(nextStepFor(DeliveryErrorCategory.HANDLING_TIMEOUT)).toBe('defer');
  });
});
