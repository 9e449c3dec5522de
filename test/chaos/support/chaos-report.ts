import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One scenario's count: every published message must end sent once or dead-lettered with a reason. */
export interface ScenarioResult {
  scenario: string;
  published: number;
  sent: number;
  duplicates: number;
  deadLettered: number;
  lost: number;
  /** Short free text: what the scenario measured beyond the counts (e.g. "reconnected 2.1 s after start_app"). */
  notes?: string;
}

/** Where scenarios append their rows (one JSON object a line); `.ci/run` reads it to print the table. */
export function chaosReportFile(): string {
  return process.env.CHAOS_REPORT_FILE ?? join(tmpdir(), `egress-chaos-report-${process.getuid?.() ?? 0}.jsonl`);
}

export function resetChaosReport(): void {
  writeFileSync(chaosReportFile(), '');
}

export function recordScenario(result: ScenarioResult): void {
  appendFileSync(chaosReportFile(), `${JSON.stringify(result)}\n`);
}

export function readChaosReport(file = chaosReportFile()): ScenarioResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ScenarioResult);
}

export function formatChaosTable(rows: ScenarioResult[]): string {
  const header = ['scenario', 'published', 'sent', 'duplicates', 'dead-lettered', 'lost', 'notes'];
  const cells = rows.map((r) => [r.scenario, r.published, r.sent, r.duplicates, r.deadLettered, r.lost, r.notes ?? ''].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
