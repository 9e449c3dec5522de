import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface CostLine {
  name: string;
  percent: number;
}

/** Where a frame's code comes from: an npm package, a file of ours, node itself, or V8's own work (GC, idle). */
export function originOf(url: string, functionName: string): string {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node';
  const ours = /(?:dist|apps|libs)\/(.*)$/.exec(url);
  return ours ? ours[1].replace(/^apps\/[^/]+\/main\.js$/, 'bundle') : url;
}

/** Self time of a CPU profile (`node --cpu-prof`) while busy (idle samples left out), by origin and by function, largest first. */
export function summariseCpuProfile(file: string, top = 15): { byOrigin: CostLine[]; byFunction: CostLine[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy += 1;
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + 1);
    const name = `${functionName || '(anonymous)'} ${origin}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
  }
  const ranked = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, percent: Number(((count / busy) * 100).toFixed(1)) }));
  return { byOrigin: ranked(origins), byFunction: ranked(functions) };
}
