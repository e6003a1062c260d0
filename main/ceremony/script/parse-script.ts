// Reading a ceremony script from text: YAML or JSON (by the file's extension, else by
// its first character), strictly, with every problem named by path, expectation and
// line. parseScript throws SCRIPT_INVALID; checkScript returns the problems instead, for
// the command line and screens that show them.
import { decodeJson } from './json-source';
import { printableProblem, ScriptInvalidError, sortProblems, type ScriptProblem } from './problems';
import type { CeremonyScript } from './schema';
import { scriptHash } from './script-hash';
import type { DecodedSource, SourceFormat } from './source';
import { validateValue } from './validate';
import { decodeYaml } from './yaml-source';

/** Scripts are a few kilobytes; anything this large is not one. */
export const MAX_SCRIPT_CHARACTERS = 1024 * 1024;

export interface ParseScriptOptions {
  /** Named in messages, and its extension (.json, .yaml, .yml) decides the syntax. */
  fileName?: string;
  /** Overrides the extension and the content. */
  format?: SourceFormat;
}

export type ScriptCheck = { ok: true; script: CeremonyScript; hash: string; format: SourceFormat } | { ok: false; problems: ScriptProblem[]; format: SourceFormat };

/** JSON for a .json file or text that starts with "{" (after spaces); YAML otherwise. */
export function detectFormat(text: string, fileName?: string): SourceFormat {
  const lower = fileName?.toLowerCase() ?? '';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

export function checkScript(text: string, options: ParseScriptOptions = {}): ScriptCheck {
  // A byte-order mark is an editor's habit, not content.
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const format = options.format ?? detectFormat(body, options.fileName);
  if (body.length > MAX_SCRIPT_CHARACTERS) {
    return { ok: false, format, problems: [{ path: '(script)', message: `the file has ${body.length} characters; a ceremony script has at most ${MAX_SCRIPT_CHARACTERS}`, line: null }] };
  }
  const source: DecodedSource = format === 'json' ? decodeJson(body) : decodeYaml(body);
  if (!source.usable) return { ok: false, format, problems: source.problems.map(printableProblem) };
  const result = validateValue(source.value, source.lineOf);
  if (result.ok && source.problems.length === 0) return { ok: true, format, script: result.script, hash: scriptHash(result.script) };
  return { ok: false, format, problems: sortProblems([...source.problems, ...(result.ok ? [] : result.problems)]).map(printableProblem) };
}

/** The typed script, with every default filled in; throws SCRIPT_INVALID listing every problem. */
export function parseScript(text: string, options: ParseScriptOptions = {}): CeremonyScript {
  const result = checkScript(text, options);
  if (!result.ok) throw new ScriptInvalidError(result.problems, options.fileName);
  return result.script;
}

/**
 * Validates a script that is already a value (a template, the copy in a transcript's
 * ceremony-opened entry). Same rules, no line numbers; throws SCRIPT_INVALID.
 */
export function validateScript(value: unknown, options: { fileName?: string } = {}): CeremonyScript {
  const result = validateValue(value, () => null);
  if (!result.ok) throw new ScriptInvalidError(result.problems.map(printableProblem), options.fileName);
  return result.script;
}
