import { json, JsonHttpSimulator, JsonRequest, SimulatedAnswer } from './json-http.simulator';

class EchoSimulator extends JsonHttpSimulator {
  readonly seen: JsonRequest[] = [];

  protected answer(request: JsonRequest): SimulatedAnswer {
    this.seen.push(request);
    return json(200, { ok: true });
  }
}

describe(JsonHttpSimulator.name, () => {
  const first = new EchoSimulator();
  afterAll(() => first.stop());

  it('refuses to start on a port another server holds, and can start elsewhere afterwards', async () => {
    await first.start();
    const second = new EchoSimulator();
    await expect(second.start(first.port)).rejects.toThrow(/EADDRINUSE/);
    await second.start();
    expect((await fetch(second.url)).status).toBe(200);
    await second.stop();
  });

  it('stamps a request with its arrival, before the simulated latency', async () => {
    const slow = new EchoSimulator();
    slow.latencyMs = 300;
    await slow.start();
    try {
      await fetch(slow.url, { method: 'POST', body: '{}' });
      const answeredAt = Date.now();
      // The answer cannot come back sooner than the latency after the arrival.
      expect(answeredAt - slow.seen[0].receivedAt).toBeGreaterThanOrEqual(300);
    } finally {
      await slow.stop();
    }
  });
});
