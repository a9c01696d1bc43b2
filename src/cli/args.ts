/**
 * Command-line options: `--name value`, `--flag`, `--list a,b,c`, and options whose value is optional
 * (`--gxg` or `--gxg top`). Each command declares its options; unknown options and missing values are
 * errors that name the option and what was expected.
 */

/** 'words': one or more values up to the next option, as plink2 takes `--indep-pairwise 1000 100 0.1`. */
export type OptionType = 'string' | 'number' | 'int' | 'flag' | 'list' | 'optional' | 'words';

export interface OptionSpec {
  name: string;
  type: OptionType;
  help: string;
  required?: boolean;
  /** Allowed values for string/optional options. */
  choices?: readonly string[];
  /** Value of an 'optional' option given without a value; for 'words', [] lets the option come bare. */
  implicit?: string | string[];
  default?: string | number | boolean | string[];
  /** Placeholder in help, e.g. FILE. */
  meta?: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Extra help text printed after the option list (examples, output files). */
  details?: string;
  options: OptionSpec[];
  run(args: ParsedArgs): Promise<void>;
}

export type ArgValue = string | number | boolean | string[] | undefined;
export type ParsedArgs = Record<string, ArgValue>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], spec: OptionSpec[], command: string): ParsedArgs {
  const byName = new Map(spec.map((s) => [s.name, s]));
  const out: ParsedArgs = {};
  for (const s of spec) if (s.default !== undefined) out[s.name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (!tok.startsWith('--')) throw new UsageError(`${command}: unexpected argument '${tok}' (options start with --)`);
    let name = tok.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const s = byName.get(name);
    if (!s) throw new UsageError(`${command}: unknown option --${name} (see --help)`);
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) {
        throw new UsageError(`${command}: --${name} needs a value (${s.meta ?? s.type})`);
      }
      i++;
      return v;
    };
    switch (s.type) {
      case 'flag':
        out[name] = true;
        break;
      case 'string':
        out[name] = checkChoice(command, s, takeValue());
        break;
      case 'number':
      case 'int': {
        const raw = takeValue();
        const v = Number(raw);
        if (!Number.isFinite(v) || (s.type === 'int' && !Number.isInteger(v))) {
          throw new UsageError(`${command}: --${name} expects ${s.type === 'int' ? 'an integer' : 'a number'}, got '${raw}'`);
        }
        out[name] = v;
        break;
      }
      case 'list':
        out[name] = takeValue()
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0);
        break;
      case 'words': {
        const words = inline !== undefined ? inline.split(/[\s,]+/).filter((x) => x.length > 0) : [];
        while (argv[i + 1] !== undefined && !(argv[i + 1].startsWith('--') && argv[i + 1].length > 2)) words.push(argv[++i]);
        if (words.length === 0 && Array.isArray(s.implicit)) {
          out[name] = s.implicit;
          break;
        }
        if (words.length === 0) throw new UsageError(`${command}: --${name} needs a value (${s.meta ?? 'VALUES'})`);
        out[name] = words;
        break;
      }
      case 'optional': {
        const next = argv[i + 1];
        if (inline !== undefined) out[name] = checkChoice(command, s, inline);
        else if (next !== undefined && !next.startsWith('--')) {
          out[name] = checkChoice(command, s, next);
          i++;
        } else out[name] = s.implicit ?? true;
        break;
      }
      default:
        throw new Error(`unknown option type ${String((s as OptionSpec).type)}`);
    }
  }
  for (const s of spec) {
    if (s.required && out[s.name] === undefined) throw new UsageError(`${command}: --${s.name} is required (${s.help})`);
  }
  return out;
}

function checkChoice(command: string, s: OptionSpec, v: string): string {
  if (s.choices && !s.choices.includes(v)) {
    throw new UsageError(`${command}: --${s.name} must be one of ${s.choices.join('|')}, got '${v}'`);
  }
  return v;
}

export function formatHelp(c: CliCommand): string {
  const lines = [`npm run cli -- ${c.name} [options]`, '', c.summary, '', 'Options:'];
  for (const s of c.options) {
    const meta = s.type === 'flag' ? '' : s.type === 'optional' ? ` [${s.meta ?? 'VALUE'}]` : ` ${s.meta ?? s.type.toUpperCase()}`;
    const def = s.default !== undefined ? ` (default ${Array.isArray(s.default) ? s.default.join(s.type === 'words' ? ' ' : ',') : String(s.default)})` : '';
    const req = s.required ? ' (required)' : '';
    lines.push(`  --${s.name}${meta}`.padEnd(30) + ` ${s.help}${req}${def}`);
  }
  if (c.details) lines.push('', c.details);
  return lines.join('\n');
}

/** Typed getters for a command's run(). */
export const arg = {
  str(a: ParsedArgs, k: string): string | undefined {
    const v = a[k];
    return typeof v === 'string' ? v : undefined;
  },
  num(a: ParsedArgs, k: string): number | undefined {
    const v = a[k];
    return typeof v === 'number' ? v : undefined;
  },
  list(a: ParsedArgs, k: string): string[] | undefined {
    const v = a[k];
    return Array.isArray(v) ? v : undefined;
  },
  flag(a: ParsedArgs, k: string): boolean {
    return a[k] === true || (typeof a[k] === 'string' && a[k] !== '');
  },
};
