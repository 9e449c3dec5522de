import { resetChaosReport } from './chaos-report';

export default function globalSetup(): void {
  resetChaosReport();
}
