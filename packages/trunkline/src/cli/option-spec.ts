/**
 * One table per command drives both `node:util` parseArgs and the `--help`
 * text, so the two cannot drift apart.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { CliUsageError } from './errors.js';

/** One flag of a command. */
export interface FlagSpec {
  /** Long name without the dashes. */
  readonly name: string;
  /** `string` flags take a value; `boolean` flags do not. */
  readonly type: 'string' | 'boolean';
  /** One-letter alias. */
  readonly short?: string;
  /** May be given more than once (values collected in order). */
  readonly multiple?: boolean;
  /** Placeholder for the value in the help text (`N`, `FILE`, ...). */
  readonly value?: string;
  /** Help text, one line; the default goes in `defaultText`. */
  readonly description: string;
  /** Shown as `(default: ...)`. */
  readonly defaultText?: string;
}

/** The raw values parseArgs produced, by flag name. */
export type RawValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Help and flags of one command. */
export interface CommandSpec {
  readonly name: string;
  /** `trunkline call <uri> [flags]` */
  readonly usage: string;
  /** One paragraph under the usage line. */
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Example command lines. */
  readonly examples: readonly string[];
}

const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

/**
 * Parse `argv` against a command's flags. Unknown flags, missing values and
 * unexpected positionals become {@link CliUsageError}s naming the flag.
 *
 * @param spec - the command
 * @param argv - the arguments after the command name
 * @param maxPositionals - how many positionals the command takes
 */
export function parseWithSpec(
  spec: CommandSpec,
  argv: readonly string[],
  maxPositionals: number,
): { values: RawValues; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const flag of [...spec.flags, HELP_FLAG]) {
    options[flag.name] = { type: flag.type, ...(flag.short === undefined ? {} : { short: flag.short }), ...(flag.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    // node:util's messages name the flag; add where to look.
    throw new CliUsageError(`${(e as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '')} (see trunkline ${spec.name} --help)`, spec.name);
  }
  const values = parsed.values as RawValues;
  const help = values['help'] === true;
  if (!help && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]!;
    throw new CliUsageError(`unexpected argument ${JSON.stringify(extra)} (see trunkline ${spec.name} --help)`, spec.name);
  }
  return { values, positionals: parsed.positionals, help };
}

/**
 * The `--help` text of a command: usage, summary, flags with their values and defaults, examples.
 *
 * @param spec - the command
 */
export function formatHelp(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP_FLAG].map((f) => {
    const left = `${f.short === undefined ? '    ' : `-${f.short}, `}--${f.name}${f.value === undefined ? '' : ` ${f.value}`}`;
    const right = `${f.description}${f.defaultText === undefined ? '' : ` (default: ${f.defaultText})`}${f.multiple ? '; repeatable' : ''}`;
    return [left, right] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** A string flag's value, or undefined when absent. */
export function stringValue(values: RawValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string flag's values, comma-separated lists flattened (`--allow a,b --allow c`). */
export function listValue(values: RawValues, name: string): string[] {
  const v = values[name];
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.flatMap((item) => String(item).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** A boolean flag's value (false when absent). */
export function booleanValue(values: RawValues, name: string): boolean {
  return values[name] === true;
}
