// A problem found in a script: the JSON path of the bad field, what was expected there,
// and the line in the file when the source is known. Every check (syntax, schema,
// semantics) reports in this one form, and the SCRIPT_INVALID error lists them all.
import { DomainError } from '../../../native/errors';

export type PathSegment = string | number;

/** A problem before its line is looked up. */
export interface PathProblem {
  /** Segments from the top of the script; [] for the script as a whole. */
  path: PathSegment[];
  /** What was expected, or what is wrong, in plain language. */
  message: string;
}

export interface ScriptProblem {
  /** The JSON path, such as "steps[3].params.type"; "(script)" for the whole script, "(syntax)" for a file that is not valid YAML/JSON. */
  path: string;
  message: string;
  /** 1-based line in the file, when the file's text is known and the place can be found. */
  line: number | null;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** "steps[3].params.type"; keys that are not plain words are quoted: participants["odd key"]. */
export function pathText(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(script)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function problemText(problem: ScriptProblem): string {
  return `${problem.path}: ${problem.message}${problem.line === null ? '' : ` (line ${problem.line})`}`;
}

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * The problem with every control character written as \uXXXX: messages quote what a
 * file contains (a parser's excerpt, a key), and a terminal must show it, not obey it.
 */
export function printableProblem(problem: ScriptProblem): ScriptProblem {
  const clean = (text: string) => text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { path: clean(problem.path), message: clean(problem.message), line: problem.line };
}

/** Problems in reading order: by line, those without a line last, otherwise as found. */
export function sortProblems(problems: ScriptProblem[]): ScriptProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Number.MAX_SAFE_INTEGER) - (b.p.line ?? Number.MAX_SAFE_INTEGER) || a.i - b.i)
    .map(({ p }) => p);
}

/** The SCRIPT_INVALID error: its message lists every problem, one per line; `problems` holds them for screens. */
export class ScriptInvalidError extends DomainError {
  readonly problems: readonly ScriptProblem[];

  constructor(problems: ScriptProblem[], fileName: string | undefined) {
    const where = fileName ? `The ceremony script ${fileName}` : 'The ceremony script';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super({
      code: 'SCRIPT_INVALID',
      message: `${where} is invalid (${count}):\n${problems.map((p) => `  ${problemText(p)}`).join('\n')}`,
      action: 'Correct each field named above (docs/ceremony-script.md describes the format), then check the script again with "npx conclave script check FILE".',
    });
    this.name = 'ScriptInvalidError';
    this.problems = problems;
  }
}
