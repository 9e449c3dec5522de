import { formatChaosTable, readChaosReport } from './chaos-report';

export default function globalTeardown(): void {
  const rows = readChaosReport();
  process.stdout.write(`\nFault suite:\n${formatChaosTable(rows)}\n`);
}
