/** Memory of a service replica as its own /metrics reports it (prom-client's default process and Node metrics). */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

export async function memoryOf(serviceUrl: string): Promise<MemorySample> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const read = (metric: string) => {
    const match = new RegExp(`^\\w*${metric} (\\S+)$`, 'm').exec(text);
    if (!match) throw new Error(`${metric} is missing from /metrics`);
    return Number(match[1]);
  };
  return {
    rss: read('process_resident_memory_bytes'),
    heapUsed: read('nodejs_heap_size_used_bytes'),
    external: read('nodejs_external_memory_bytes'),
  };
}

/** Samples memory every `everyMs` until stopped; keeps the highest RSS seen (and that sample). */
export function samplePeakMemory(serviceUrl: string, everyMs = 200): { stop: () => Promise<MemorySample> } {
  let peak: MemorySample = { rss: 0, heapUsed: 0, external: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const sample = await memoryOf(serviceUrl).catch(() => undefined);
      if (sample && sample.rss > peak.rss) peak = sample;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export const describeMemory = (sample: MemorySample) =>
  `${mb(sample.rss)} MB RSS (heap ${mb(sample.heapUsed)}, external ${mb(sample.external)})`;
