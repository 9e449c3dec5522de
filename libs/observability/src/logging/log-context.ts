import { AsyncLocalStorage } from 'node:async_hooks';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Fields bound once per unit of work (one consumed message) and added to every log line written
 * inside it, by the logger itself (pino `mixin`), so no call site passes tenant or message ids by hand.
 */
export const LogContext = {
  /** Runs `work` with its own set of fields; lines logged in it (and in what it awaits) carry them. */
  run<T>(fields: LogFields, work: () => T): T {
    return storage.run({ ...fields }, work);
  },

  /** Adds to the current unit's fields, e.g. once the message has been parsed. Outside a unit: no-op. */
  bind(fields: LogFields): void {
    const current = storage.getStore();
    if (!current) return;
    for (const key in fields) if (fields[key] !== undefined) current[key] = fields[key];
  },

  /** A fresh copy: pino mutates what `mixin` returns. */
  fields: (): LogFields => {
    const current = storage.getStore();
    return current ? { ...current } : {};
  },
};
