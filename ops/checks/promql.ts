/**
 * Just enough PromQL to check the dashboard and the alert rules without `promtool`: a tokenizer, a
 * cheap syntax check (balanced brackets, known functions, range selectors where a function needs one)
 * and the metric names and label matchers an expression refers to.
 */

type TokenKind = 'identifier' | 'string' | 'number' | 'duration' | 'variable' | 'punct' | 'operator';

interface Token {
  kind: TokenKind;
  text: string;
}

const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Functions whose argument is a range vector (`metric[5m]`). */
const RANGE_FUNCTIONS = new Set([
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'changes',
  'resets',
  'predict_linear',
  'holt_winters',
  'double_exponential_smoothing',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'last_over_time',
  'present_over_time',
  'absent_over_time',
  'mad_over_time',
]);

const INSTANT_FUNCTIONS = new Set([
  'abs',
  'absent',
  'ceil',
  'clamp',
  'clamp_max',
  'clamp_min',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'exp',
  'floor',
  'histogram_avg',
  'histogram_count',
  'histogram_fraction',
  'histogram_quantile',
  'histogram_stddev',
  'histogram_stdvar',
  'histogram_sum',
  'hour',
  'label_join',
  'label_replace',
  'ln',
  'log2',
  'log10',
  'minute',
  'month',
  'round',
  'scalar',
  'sgn',
  'sort',
  'sort_desc',
  'sqrt',
  'time',
  'timestamp',
  'vector',
  'year',
  'pi',
  'deg',
  'rad',
]);

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OTHER_KEYWORDS = new Set(['bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan']);

const PAIRS: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const patterns: [TokenKind, RegExp][] = [
    ['string', /^"(?:[^"\\]|\\.)*"|^'(?:[^'\\]|\\.)*'|^`[^`]*`/],
    ['variable', /^\$\{[A-Za-z_][A-Za-z0-9_:]*\}|^\$[A-Za-z_][A-Za-z0-9_]*/],
    ['duration', /^(\d+(ms|s|m|h|d|w|y))+(?![A-Za-z0-9_])/],
    ['number', /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?/i],
    ['identifier', /^[A-Za-z_:][A-Za-z0-9_:]*/],
    ['operator', /^(==|!=|>=|<=|=~|!~|[-+*/%^<>=@])/],
    ['punct', /^[(){}[\],]/],
  ];
  let rest = expr;
  while (rest.length > 0) {
    const space = /^\s+|^#[^\n]*/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }
    const match = patterns.map(([kind, pattern]) => ({ kind, found: pattern.exec(rest) })).find(({ found }) => found);
    if (!match?.found) throw new Error(`unexpected character '${rest[0]}' in: ${expr}`);
    tokens.push({ kind: match.kind, text: match.found[0] });
    rest = rest.slice(match.found[0].length);
  }
  return tokens;
}

/** Problems found in `expr`; empty when it looks like valid PromQL. */
export function promqlProblems(expr: string): string[] {
  let tokens: Token[];
  try {
    tokens = tokenize(expr);
  } catch (error) {
    return [(error as Error).message];
  }
  if (tokens.length === 0) return ['empty expression'];
  return [...bracketProblems(tokens), ...functionProblems(tokens), ...rangeProblems(tokens), ...histogramProblems(tokens)];
}

function bracketProblems(tokens: Token[]): string[] {
  const open: string[] = [];
  for (const { text } of tokens) {
    if (PAIRS[text]) open.push(PAIRS[text]);
    else if (Object.values(PAIRS).includes(text) && open.pop() !== text) return [`unbalanced '${text}'`];
  }
  return open.length > 0 ? [`unclosed '${open.join('')}'`] : [];
}

function functionProblems(tokens: Token[]): string[] {
  const problems: string[] = [];
  tokens.forEach((token, i) => {
    if (token.kind !== 'identifier' || tokens[i + 1]?.text !== '(') return;
    const name = token.text;
    const known =
      AGGREGATIONS.has(name) ||
      RANGE_FUNCTIONS.has(name) ||
      INSTANT_FUNCTIONS.has(name) ||
      LABEL_LIST_KEYWORDS.has(name) ||
      name === 'atan2';
    if (!known) problems.push(`unknown function '${name}'`);
    if (LABEL_LIST_KEYWORDS.has(name)) {
      const list = tokens.slice(i + 2, closingIndex(tokens, i + 1));
      if (list.some((t) => t.kind !== 'identifier' && t.text !== ',')) problems.push(`'${name}(…)' must list label names`);
    }
  });
  return problems;
}

function rangeProblems(tokens: Token[]): string[] {
  const problems: string[] = [];
  tokens.forEach((token, i) => {
    if (token.text === '[') {
      const inside = tokens.slice(i + 1, closingIndex(tokens, i)).filter((t) => t.text !== ':');
      if (inside.length === 0 || inside.some((t) => t.kind !== 'duration' && t.kind !== 'variable'))
        problems.push('a range must be a duration');
    }
    if (token.kind === 'identifier' && RANGE_FUNCTIONS.has(token.text) && tokens[i + 1]?.text === '(') {
      const args = tokens.slice(i + 2, closingIndex(tokens, i + 1));
      if (!args.some((t) => t.text === '[')) problems.push(`${token.text}() needs a range vector`);
    }
  });
  return problems;
}

/** `histogram_quantile` needs the `_bucket` series, and any aggregation inside it must keep `le`. */
function histogramProblems(tokens: Token[]): string[] {
  const problems: string[] = [];
  tokens.forEach((token, i) => {
    if (token.text !== 'histogram_quantile' || tokens[i + 1]?.text !== '(') return;
    const args = tokens.slice(i + 2, closingIndex(tokens, i + 1));
    if (!args.some((t) => t.kind === 'identifier' && t.text.endsWith('_bucket')))
      problems.push('histogram_quantile() needs a _bucket series');
    args.forEach((arg, j) => {
      if (arg.text !== 'by' || args[j + 1]?.text !== '(') return;
      const labels = args.slice(j + 2, closingIndex(args, j + 1)).map((t) => t.text);
      if (!labels.includes('le')) problems.push("an aggregation inside histogram_quantile() must keep 'le'");
    });
  });
  return problems;
}

function closingIndex(tokens: Token[], openAt: number): number {
  const close = PAIRS[tokens[openAt].text];
  let depth = 0;
  for (let i = openAt; i < tokens.length; i += 1) {
    if (tokens[i].text === tokens[openAt].text) depth += 1;
    else if (tokens[i].text === close && --depth === 0) return i;
  }
  return tokens.length;
}

export interface MetricReference {
  metric: string;
  /** Label matchers of the selector: `queue="outbound-failed"` → { label: 'queue', op: '=', value: 'outbound-failed' }. */
  matchers: { label: string; op: string; value: string }[];
}

/** Every metric selector in `expr`, with its label matchers. */
export function metricReferences(expr: string): MetricReference[] {
  const tokens = tokenize(expr);
  const references: MetricReference[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const next = tokens[i + 1]?.text;
    if (token.kind !== 'identifier') continue;
    if (LABEL_LIST_KEYWORDS.has(token.text) && next === '(') {
      i = closingIndex(tokens, i + 1);
      continue;
    }
    const aggregatedBy = AGGREGATIONS.has(token.text) && (next === 'by' || next === 'without');
    if (next === '(' || aggregatedBy || OTHER_KEYWORDS.has(token.text.toLowerCase())) continue;
    const reference: MetricReference = { metric: token.text, matchers: [] };
    if (next === '{') {
      const end = closingIndex(tokens, i + 1);
      for (let j = i + 2; j + 2 < end; j += 4) {
        reference.matchers.push({ label: tokens[j].text, op: tokens[j + 1].text, value: tokens[j + 2].text.slice(1, -1) });
      }
      i = end;
    }
    references.push(reference);
  }
  return references;
}

/** Label names listed in `by (…)`, `without (…)`, `on (…)`, `ignoring (…)` and `group_left/right (…)`. */
export function groupingLabels(expr: string): string[] {
  const tokens = tokenize(expr);
  return tokens.flatMap((token, i) =>
    token.kind === 'identifier' && LABEL_LIST_KEYWORDS.has(token.text) && tokens[i + 1]?.text === '('
      ? tokens
          .slice(i + 2, closingIndex(tokens, i + 1))
          .filter((t) => t.kind === 'identifier')
          .map((t) => t.text)
      : [],
  );
}
