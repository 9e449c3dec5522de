/**
 * A start-up failure as one JSON line, written straight to stderr: the logger may not exist yet.
 * The message is the error's own; configuration and broker errors never carry a value or a password.
 */
export function startupFailureLine(serviceName: string, error: unknown, now = new Date()): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${JSON.stringify({ level: 'fatal', service: serviceName, event: 'startup_failed', time: now.toISOString(), msg: message })}\n`;
}
