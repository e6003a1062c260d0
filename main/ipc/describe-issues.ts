// Turns schema validation issues into a sentence a developer can act on, built only from
// the schema's side of each issue (where, and what was expected). The rejected value
// itself is never quoted: a malformed request may carry a PIN or a passphrase.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

const MAX_ISSUES = 5;
const MAX_NAME = 48;

/** A field name is shown only if it is short and plain; anything else might be data. */
function safeName(key: PropertyKey): string {
  const text = typeof key === 'number' ? String(key) : typeof key === 'string' ? key : '(symbol)';
  if (text.length > MAX_NAME || !/^[A-Za-z0-9_$-]+$/.test(text)) return '(unprintable field name)';
  return text;
}

/** `request.slots[2].label`-style path; `request` alone for the top level. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${safeName(key)}`;
  return out;
}

function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return false;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return true;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return false;
}

function kindOf(input: unknown, path: readonly PropertyKey[]): string {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return 'nothing';
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  if (node === null) return 'null';
  if (node === undefined) return 'nothing';
  if (Array.isArray(node)) return 'an array';
  return withArticle(typeof node);
}

const withArticle = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

function expectation(issue: Issue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.path.length > 0 && isMissing(input, issue.path)) return `is missing (expected ${issue.expected})`;
      return `must be ${withArticle(issue.expected)}, not ${kindOf(input, issue.path)}`;
    case 'unrecognized_keys': {
      const names = issue.keys.slice(0, MAX_ISSUES).map(safeName).join(', ');
      return `has field(s) the contract does not allow: ${names}`;
    }
    case 'too_big':
      return `is too long or too large (at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''})`;
    case 'too_small':
      return `is too short or too small (at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''})`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string'
        ? `has the wrong format (must match ${issue.pattern})`
        : `has the wrong format (expected ${issue.format})`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'does not match any allowed shape';
    case 'invalid_key':
      return 'has a key of the wrong form';
    case 'invalid_element':
      return 'has an element of the wrong form';
    default:
      return 'is not valid';
  }
}

/** One line per issue (at most five), e.g. `request.path is missing (expected string)`. */
export function describeIssues(root: string, issues: readonly Issue[], input: unknown): string {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${formatPath(root, issue.path)} ${expectation(issue, input)}`);
  if (issues.length > MAX_ISSUES) lines.push(`and ${issues.length - MAX_ISSUES} more problem(s)`);
  return lines.join('; ');
}
