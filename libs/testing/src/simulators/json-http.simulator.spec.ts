import { json, JsonHttpSimulator, SimulatedAnswer } from './json-http.simulator';

class EchoSimulator extends JsonHttpSimulator {
  protected answer(): SimulatedAnswer {
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
});
