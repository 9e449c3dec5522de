import Redis from 'ioredis';

/**
 * Right after the client's next command is written, blocks the event loop for `ms`, as a long GC or a replica
 * starved of CPU does: Redis answers at once, but a command timeout shorter than `ms` runs before the reply is read.
 */
export function stallAfterNextWrite(client: Redis, ms: number): void {
  const socket = client.stream;
  const write = socket.write.bind(socket);
  socket.write = ((...args: Parameters<typeof write>) => {
    socket.write = write;
    process.nextTick(() => {
      const stalledUntil = Date.now() + ms;
      while (Date.now() < stalledUntil);
    });
    return write(...args);
  }) as typeof write;
}
