import { chaosReportFile, formatChaosTable, readChaosReport } from './chaos-report';

/** `.ci/run` prints the fault suite's table at the end of its output with this. */
process.stdout.write(`${formatChaosTable(readChaosReport(process.argv[2] ?? chaosReportFile()))}\n`);
