/** A reason lists this many problems at most, then how many more there were. */
export const MAX_REPORTED_PROBLEMS = 5;

export type Fields = Record<string, unknown>;

/** What a string must be beyond non-empty, and how a problem says so. */
export interface StringRule {
  /** Longest accepted length, in UTF-16 code units. */
  max?: number;
  test?: (value: string) => boolean;
  /** Completes "must be …" when `test` fails. */
  mustBe?: string;
}

/** Problems with the fields of one input, each naming the field and what is wrong: never a value. */
export class Problems {
  readonly all: string[] = [];

  add(path: string, problem: string): void {
    this.all.push(`${path} ${problem}`);
  }

  get none(): boolean {
    return this.all.length === 0;
  }
}

/** At most MAX_REPORTED_PROBLEMS of them, and how many more there were. */
export function listProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).join('; ');
  return problems.length > MAX_REPORTED_PROBLEMS ? `${shown}; and ${problems.length - MAX_REPORTED_PROBLEMS} more` : shown;
}

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent and `null` both mean "not given". */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Reads an object's fields by name and reports what is missing or wrong under the field's path (e.g.
 * `genesysPayload.channel.from.id`). Only own properties count, so a name never resolves to something
 * inherited. Optional strings that are empty count as not given: there is nothing to send.
 */
export class FieldReader {
  private constructor(
    private readonly fields: Fields,
    readonly path: string,
    private readonly problems: Problems,
  ) {}

  /** The value as an object to read, or undefined (and a problem) when it is not one. */
  static of(value: unknown, path: string, problems: Problems): FieldReader | undefined {
    if (isObject(value)) return new FieldReader(value, path, problems);
    problems.add(path, isGiven(value) ? 'must be an object' : 'is required');
    return undefined;
  }

  get(key: string): unknown {
    return Object.hasOwn(this.fields, key) ? this.fields[key] : undefined;
  }

  entries(): Array<[string, unknown]> {
    return Object.entries(this.fields);
  }

  has(key: string): boolean {
    return isGiven(this.get(key));
  }

  at(key: string): string {
    return `${this.path}.${key}`;
  }

  /** Undefined, so a reader can report and answer "no value" at once. */
  report(key: string, problem: string): undefined {
    this.problems.add(this.at(key), problem);
    return undefined;
  }

  object(key: string, required: boolean): FieldReader | undefined {
    return required || this.has(key) ? FieldReader.of(this.get(key), this.at(key), this.problems) : undefined;
  }

  requiredString(key: string, rule: StringRule = {}): string | undefined {
    if (!this.has(key)) return this.report(key, 'is required');
    const value = this.get(key);
    if (value === '') return this.report(key, 'must not be empty');
    return this.checked(key, value, rule);
  }

  optionalString(key: string, rule: StringRule = {}): string | undefined {
    const value = this.get(key);
    return isGiven(value) && value !== '' ? this.checked(key, value, rule) : undefined;
  }

  oneOf<T extends string>(key: string, values: readonly T[], required: boolean): T | undefined {
    if (!this.has(key)) return required ? this.report(key, 'is required') : undefined;
    const value = this.get(key);
    if ((values as readonly unknown[]).includes(value)) return value as T;
    return this.report(key, `must be one of: ${values.join(', ')}`);
  }

  /** An optional list: undefined when not given. */
  array(key: string): unknown[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.get(key);
    return Array.isArray(value) ? value : this.report(key, 'must be an array');
  }

  /** Also the place a list item's problems are named at: `content[2]`. */
  item(key: string, index: number, value: unknown): FieldReader | undefined {
    return FieldReader.of(value, `${this.at(key)}[${index}]`, this.problems);
  }

  private checked(key: string, value: unknown, { max, test, mustBe }: StringRule): string | undefined {
    if (typeof value !== 'string') return this.report(key, 'must be a string');
    if (max !== undefined && value.length > max) return this.report(key, `must be at most ${max} characters long`);
    if (test && !test(value)) return this.report(key, `must be ${mustBe ?? 'well-formed'}`);
    return value;
  }
}
