import { ConversationSequencer } from './conversation-sequencer';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe(ConversationSequencer.name, () => {
  async function holdFor(sequencer: ConversationSequencer, key: string, name: string, events: string[]) {
    const release = await sequencer.acquire(key);
    events.push(`start ${name}`);
    await tick();
    events.push(`end ${name}`);
    release();
  }

  it('lets the holders of one key through one at a time, in arrival order', async () => {
    const sequencer = new ConversationSequencer(1000);
    const events: string[] = [];
    await Promise.all(['1', '2', '3'].map((name) => holdFor(sequencer, 'a', name, events)));
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(sequencer.activeKeys).toBe(0);
  });

  it('runs different keys in parallel', async () => {
    const sequencer = new ConversationSequencer(1000);
    const events: string[] = [];
    await Promise.all([holdFor(sequencer, 'a', 'a', events), holdFor(sequencer, 'b', 'b', events)]);
    expect(events.slice(0, 2)).toEqual(['start a', 'start b']);
  });

  it('takes the lock back from a holder that never releases it', async () => {
    const sequencer = new ConversationSequencer(20);
    await sequencer.acquire('a');
    const next = await Promise.race([sequencer.acquire('a').then(() => 'acquired'), tick(500).then(() => 'stuck')]);
    expect(next).toBe('acquired');
  });

  it('ignores a second release', async () => {
    const sequencer = new ConversationSequencer(1000);
    const release = await sequencer.acquire('a');
    release();
    release();
    const again = await sequencer.acquire('a');
    again();
    expect(sequencer.activeKeys).toBe(0);
  });
});
