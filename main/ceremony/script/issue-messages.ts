// Turns zod's issues into problems a script author can act on: the path of the bad
// field, what was expected there and what was found ("expected one of aes-256, ec-p256,
// ...; found "aes-128""). Messages written into the schema (formats, unions, refinements)
// are used as they are; zod's generic wording is replaced.
import type { z } from 'zod';
import type { PathProblem, PathSegment } from './problems';
import { allowedFields } from './schema-fields';

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  null: 'null',
};

/** A short, safe description of a found value (scripts hold no secrets, but keep it short). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 40 ? `text of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping of fields';
  return typeof value;
}

const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

function listValues(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return words.length === 1 ? words[0]! : `one of ${words.join(', ')}`;
}

function sizeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  const input = (issue as { input?: unknown }).input;
  switch (issue.origin) {
    case 'string':
      if (small && Number(bound) === 1) return 'expected text, found empty text';
      return `expected ${small ? 'at least' : 'at most'} ${plural(bound, 'character')}${typeof input === 'string' ? `; found ${input.length}` : ''}`;
    case 'array':
      return `expected ${small ? 'at least' : 'at most'} ${plural(bound, 'item')}${Array.isArray(input) ? `; found ${input.length}` : ''}`;
    default: {
      const relation = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
      return `expected a whole number ${relation} ${String(bound)}${input === undefined ? '' : `; found ${describeValue(input)}`}`;
    }
  }
}

function found(input: unknown): string {
  return input === undefined ? '' : `; found ${describeValue(input)}`;
}

/** One issue as one or more problems (each unknown field is its own problem, at its own path). */
export function issueProblems(issue: Issue, root: z.ZodType, data: unknown): PathProblem[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s === 'string' || typeof s === 'number');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (input === undefined) return [{ path, message: `missing; expected ${expected}` }];
      return [{ path, message: `expected ${expected}${found(input)}` }];
    }
    case 'invalid_value':
      return [{ path, message: `${input === undefined ? 'missing; ' : ''}expected ${listValues(issue.values)}${found(input)}` }];
    case 'too_small':
    case 'too_big':
      return [{ path, message: sizeMessage(issue) }];
    case 'unrecognized_keys': {
      const allowed = allowedFields(root, data, path);
      const hint = allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : '';
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown field${hint}` }));
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator !== undefined && options) {
        const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[discriminator] : undefined;
        // zod puts the discriminator on the path already; older paths end at the object.
        const at = path[path.length - 1] === discriminator ? path : [...path, discriminator];
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          return [{ path: at.slice(0, -1), message: `expected a mapping of fields${found(input)}` }];
        }
        return [{ path: at, message: `${value === undefined ? 'missing; ' : ''}expected ${listValues(options)}${found(value)}` }];
      }
      return [{ path, message: `${input === undefined ? 'missing; ' : ''}${issue.message}${found(input)}` }];
    }
    case 'invalid_format':
    case 'custom':
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}
