/** Each queue's count in a `rabbitmqctl -s list_queues name messages` listing (lines that are not a name and a count are skipped). */
export function queueDepthsOf(listing: string): Map<string, number> {
  const depths = new Map<string, number>();
  for (const line of listing.split('\n')) {
    const [name, messages] = line.trim().split('\t');
    if (name && /^\d+$/.test(messages ?? '')) depths.set(name, Number(messages));
  }
  return depths;
}
