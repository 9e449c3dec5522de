import { Channel, ChannelModel, GetMessage } from 'amqplib';
import { DeadLetterEntry, describeDeadLetter } from './dead-letter-entry';
import { DeadLetterShape } from './dead-letter-shape';

/** A message taken from the dead-letter queue and held unacked, with its description. */
export interface HeldDeadLetter {
  entry: DeadLetterEntry;
  message: GetMessage;
}

/**
 * Reads a dead-letter queue without taking anything out of it. Every message read is held unacked on
 * a channel of the reader's own until `release()` requeues them all in their places, so a requeued
 * message is never read twice, and a crash or Ctrl-C (the channel closes) puts every held message
 * back. The scan stops after the messages that were ready when the reader opened: messages
 * dead-lettered meanwhile wait for the next run. While held, messages are invisible to other readers,
 * so two runs never see the same message.
 */
export class DeadLetterQueueReader {
  private released = false;
  private removed = 0;

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    readonly queue: string,
    private readonly shape: DeadLetterShape,
    /** Messages ready in the queue when the reader opened. */
    readonly readyAtStart: number,
  ) {}

  static async open(connection: ChannelModel, queue: string, shape: DeadLetterShape): Promise<DeadLetterQueueReader> {
    const channel = await connection.createChannel();
    // A missing queue closes the channel with an 'error' event too; the rejected check reports it.
    channel.on('error', () => undefined);
    const { messageCount } = await channel.checkQueue(queue);
    return new DeadLetterQueueReader(connection, channel, queue, shape, messageCount);
  }

  /** Each message ready at the start, once, in queue order; stop early by breaking out of the loop. */
  async *scan(): AsyncGenerator<HeldDeadLetter> {
    for (let position = 1; position <= this.readyAtStart; position += 1) {
      const message = await this.channel.get(this.queue, { noAck: false });
      if (!message) return;
      yield { entry: describeDeadLetter(message, position, this.shape), message };
    }
  }

  /** Takes a held message out of the queue for good; call only once its copy is safe elsewhere. */
  remove(held: HeldDeadLetter): void {
    this.channel.ack(held.message);
    this.removed += 1;
  }

  /**
   * Puts every message still held back in its place by closing the reader's channel (the broker
   * requeues a closing channel's messages at once, where nacking thousands is quadratic), then waits
   * up to `settleTimeoutMs` until the queue holds them again: the requeue finishes in the background,
   * and a run started right after this one would otherwise see only part of the queue.
   */
  async release(settleTimeoutMs = 10_000): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.channel.close().catch(() => undefined);
    const expected = this.readyAtStart - this.removed;
    const probe = await this.connection.createChannel().catch(() => undefined);
    if (!probe) return;
    probe.on('error', () => undefined);
    try {
      const deadline = Date.now() + settleTimeoutMs;
      while ((await probe.checkQueue(this.queue)).messageCount < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await probe.close();
    } catch {
      // The queue or the connection went away; whatever was held is back in the queue or gone with it.
    }
  }
}
