/** Command-line flags as `--name value`; durations accept 90s, 10m, 1h. */
export function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const raw = process.argv[index + 1] ?? '';
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw);
  if (!match) throw new Error(`--${name} ${raw}: expected a number (durations: 90s, 10m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'] ?? 1;
  return Number(match[1]) * unit;
}

/** A switch without a value, e.g. `--profile`. */
export const switchedOn = (name: string): boolean => process.argv.includes(`--${name}`);

/** A flag's text, e.g. `--node-flags "--max-semi-space-size=32"`; empty when not given. */
export function textFlag(name: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? '' : (process.argv[index + 1] ?? '');
}
