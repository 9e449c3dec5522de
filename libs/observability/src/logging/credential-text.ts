export const REDACTED = '[REDACTED]';

const MAY_HOLD_CREDENTIAL = /[\s=:"]/;
const escapeForPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * A scanner for credentials inside free text (an error message quoting a request, a URL, a response
 * body), for the lower-cased sensitive `keys`. It hides:
 * - an Authorization value, `Basic …` or `Bearer …`, wherever it was copied to (scheme kept);
 * - the password of a URL (`amqp://user:…@host`);
 * - the value of a sensitive key in a query string or form body (`access_token=…`) or in JSON text
 *   (`"client_secret": "…"`).
 * One regular expression, so a string costs a single scan; text without a match comes back as it was.
 * Not covered: a header line such as `Cookie: …` quoted in prose (keys are matched only in the forms above).
 */
export function credentialTextRedactor(keys: readonly string[]): (text: string) => string {
  const names = keys.map(escapeForPattern).join('|');
  const pattern = new RegExp(
    [
      String.raw`(\b(?:basic|bearer)\s+)[^\s"',;]+`,
      String.raw`(\b[a-z][a-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#@]+(?=@)`,
      String.raw`((?<![\w-])(?:${names})=)[^\s&"',;]+`,
      String.raw`("(?:${names})"\s*:\s*")(?:[^"\\]|\\.)*(?=")`,
    ].join('|'),
    'gi',
  );
  const keepPrefix = (_match: string, ...prefixes: Array<string | undefined>) =>
    `${prefixes.slice(0, 4).find((p) => p !== undefined)}${REDACTED}`;
  // Every form needs a space, '=', ':' or '"': most strings (ids, event names) are done after this test.
  return (text) => (MAY_HOLD_CREDENTIAL.test(text) ? text.replace(pattern, keepPrefix) : text);
}
