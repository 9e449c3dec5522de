import { hostileShapeOf } from './hostile-json.guard';
import { locateJsonSyntaxError } from './json-syntax-error';

/** `json` comes with a refusal too when the body parsed but its shape is hostile: enough to read the message's id from. */
export type JsonBody = { ok: true; json: unknown } | { ok: false; reason: string; json?: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A queue message's raw body as JSON, or precisely why it is not fit to be looked at. Order matters for
 * hostile input: size before decoding, strict UTF-8 before parsing, one parse only, and the shape
 * (prototype-pollution keys, depth) checked before anything copies or validates it. Reasons name sizes
 * and positions, never the content.
 */
export function readJsonBody(raw: Buffer, maxBytes: number): JsonBody {
  if (raw.length > maxBytes) return { ok: false, reason: `message is ${raw.length} bytes, above the ${maxBytes}-byte limit` };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, reason: 'message body is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const syntax = locateJsonSyntaxError(text);
    return { ok: false, reason: `message body is not JSON: ${syntax ? `${syntax.problem} at position ${syntax.position}` : 'unreadable'}` };
  }
  const hostile = hostileShapeOf(json);
  return hostile ? { ok: false, reason: hostile, json } : { ok: true, json };
}
