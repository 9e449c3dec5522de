import { DeadLetterEntry } from '@lib/messaging/dead-letter-ops';
import { terminalSafe } from './terminal-safe';
import { textTable } from './text-table';

const dash = (value: string | number | boolean | null | undefined) =>
  value === undefined || value === null || value === '' ? '-' : String(value);

/** `3h ago`-style age of an ISO time, to the largest whole unit. */
export function ageOf(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  const [amount, unit] =
    seconds >= 86_400
      ? [seconds / 86_400, 'd']
      : seconds >= 3600
        ? [seconds / 3600, 'h']
        : seconds >= 60
          ? [seconds / 60, 'm']
          : [seconds, 's'];
  return `${Math.floor(amount)}${unit} ago`;
}

/** One line per entry, with its reason headers. */
export function entriesTable(entries: DeadLetterEntry[], now: Date): string {
  return textTable(
    ['#', 'MESSAGE ID', 'TENANT', 'CATEGORY', 'CODE', 'ATTEMPTS', 'FAILED', 'REASON'],
    entries.map((entry) => [
      String(entry.position),
      dash(entry.messageId),
      dash(entry.tenantId),
      entry.category,
      dash(entry.code),
      dash(entry.attempts),
      ageOf(entry.failedAt, now),
      dash(entry.reason ?? entry.problems.join('; ')),
    ]),
  );
}

/**
 * Everything known about one entry: summary, properties, headers and the body, pretty-printed when JSON;
 * terminal-safe, since all of it comes from whoever published the message.
 */
export function entryDetails(entry: DeadLetterEntry, queue: string, now: Date): string {
  const summary = textTable(
    ['entry', `${entry.position} in ${queue}`],
    [
      ['message id', dash(entry.messageId)],
      ['tenant', dash(entry.tenantId)],
      ['category', entry.category],
      ['reason', dash(entry.reason)],
      ['code', dash(entry.code)],
      ['attempts', dash(entry.attempts)],
      ['failed at', entry.failedAt ? `${entry.failedAt} (${ageOf(entry.failedAt, now)})` : '-'],
      ['routing key', dash(entry.originalRoutingKey)],
      ['replayed', `${entry.replayCount} times before`],
      ...(entry.problems.length > 0 ? [['problems', entry.problems.join('; ')]] : []),
    ],
    200,
  );
  const properties = Object.entries(entry.properties).map(([name, value]) => `  ${name}: ${JSON.stringify(value)}`);
  const headers = Object.entries(entry.headers).map(([name, value]) => `  ${name}: ${JSON.stringify(value)}`);
  const body = entry.body.json !== undefined ? JSON.stringify(entry.body.json, null, 2) : (entry.body.text ?? '');
  const details = [
    summary,
    '',
    'properties',
    ...properties,
    '',
    'headers',
    ...headers,
    '',
    `body (${entry.body.bytes} bytes${entry.body.json === undefined ? ', not JSON' : ''})`,
    body,
  ].join('\n');
  return terminalSafe(details);
}

/** An entry without its body, for machine output of lists and replay reports. */
export function entryOverview(entry: DeadLetterEntry): Omit<DeadLetterEntry, 'body'> & { bodyBytes: number } {
  const { body, ...overview } = entry;
  return { ...overview, bodyBytes: body.bytes };
}
