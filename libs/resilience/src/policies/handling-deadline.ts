/**
 * Rejects with `onExpiry()` when `work` has not settled within `ms`, as cockatiel's aggressive timeout
 * does, with one timer and no AbortController. Nothing inside a handler listens for a cancellation
 * (every call it makes has a timeout of its own), and aborting cockatiel's controller after each call to
 * release its listeners built a DOMException, with its stack, per message.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number, onExpiry: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onExpiry()), ms);
    const stop = () => clearTimeout(timer);
    work.then(stop, stop);
    work.then(resolve, reject);
  });
}
