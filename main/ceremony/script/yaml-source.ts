// Reads a script written in YAML: one document, YAML 1.2 core schema, duplicate keys
// refused, and none of the features that make a file mean something other than what
// it shows (anchors and aliases, explicit tags, merge keys, non-text keys). Records where
// every field starts, so a problem can name its line.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { MAX_DEPTH } from './json-source';
import { pathKey, type DecodedSource } from './source';
import { pathText, type PathProblem, type PathSegment, type ScriptProblem } from './problems';

const OPTIONS = { strict: true, uniqueKeys: true, schema: 'core', merge: false, prettyErrors: false, version: '1.2' } as const;

interface Walk {
  positions: Map<string, number>;
  problems: Array<PathProblem & { offset: number | null }>;
  /** Problems after which the document's value cannot be trusted (aliases, tags, collection keys). */
  fatal: boolean;
  /** Offset where the nesting went deeper than any script, if it did. */
  tooDeep: number | null;
  lineAt(offset: number | null): number | null;
}

const startOf = (node: { range?: readonly number[] | null } | null | undefined): number | null => node?.range?.[0] ?? null;

function walk(node: unknown, path: PathSegment[], state: Walk): void {
  if (node === null || node === undefined) return;
  if (path.length > MAX_DEPTH) {
    state.tooDeep ??= startOf(node as Node) ?? 0;
    return;
  }
  if (isAlias(node)) {
    state.problems.push({ path, message: `an alias (*${node.source}) is not allowed in a ceremony script; write the value out`, offset: startOf(node) });
    state.fatal = true;
    return;
  }
  const n = node as Node;
  if (n.anchor) state.problems.push({ path, message: `an anchor (&${n.anchor}) is not allowed in a ceremony script; write every value out`, offset: startOf(n) });
  if (n.tag) {
    state.problems.push({ path, message: `an explicit tag (${n.tag}) is not allowed in a ceremony script; write the value plainly`, offset: startOf(n) });
    state.fatal = true;
  }
  if (isMap(node)) {
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        const shown = isScalar(key) ? String(key.value) : 'a collection';
        state.problems.push({ path, message: `field names must be text; found the key ${shown}`, offset: startOf(key as Node | null) });
        state.fatal = true;
        continue;
      }
      if (key.tag) {
        state.problems.push({ path: [...path, key.value], message: `an explicit tag (${key.tag}) is not allowed in a ceremony script`, offset: startOf(key) });
        state.fatal = true;
      }
      const childPath = [...path, key.value];
      const offset = startOf(key);
      const earlier = seen.get(key.value);
      if (earlier !== undefined) {
        state.problems.push({ path: childPath, message: `duplicate field ${JSON.stringify(key.value)} (first given on line ${state.lineAt(earlier) ?? '?'}); each field may appear once`, offset });
      } else {
        seen.set(key.value, offset ?? -1);
        if (offset !== null) state.positions.set(pathKey(childPath), offset);
      }
      walk(pair.value, childPath, state);
    }
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const offset = startOf(item as Node | null);
      if (offset !== null) state.positions.set(pathKey([...path, i]), offset);
      walk(item, [...path, i], state);
    });
  }
}

/** Parses YAML text. Syntax errors, aliases, tags and odd keys end the reading; duplicate keys are reported but the rest is still checked. */
export function decodeYaml(text: string): DecodedSource {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { ...OPTIONS, lineCounter: lines });
  } catch (error) {
    // The parser can run out of stack on pathological nesting; that is a bad file, not a crash.
    return { value: undefined, usable: false, problems: [{ path: '(syntax)', message: `could not be read as YAML (${error instanceof Error ? error.message : String(error)})`, line: null }], lineOf: () => null };
  }
  const lineAt = (offset: number | null) => (offset === null || offset < 0 ? null : lines.linePos(offset).line);

  const syntax: ScriptProblem[] = [];
  // Duplicate keys are found again by the walk below, with their path.
  for (const error of doc.errors) {
    if (error.code === 'DUPLICATE_KEY') continue;
    syntax.push({ path: '(syntax)', message: `not valid YAML: ${error.message}`, line: lineAt(error.pos[0]) });
  }
  for (const warning of doc.warnings) {
    syntax.push({ path: '(syntax)', message: `YAML that could be read two ways: ${warning.message}`, line: lineAt(warning.pos[0]) });
  }
  if (syntax.length > 0) return { value: undefined, usable: false, problems: syntax, lineOf: () => null };

  const state: Walk = { positions: new Map(), problems: [], fatal: false, tooDeep: null, lineAt };
  if (doc.contents !== null) state.positions.set(pathKey([]), startOf(doc.contents as Node) ?? 0);
  walk(doc.contents, [], state);
  if (state.tooDeep !== null) {
    return { value: undefined, usable: false, problems: [{ path: '(syntax)', message: `nested more than ${MAX_DEPTH} levels deep; no ceremony script is`, line: lineAt(state.tooDeep) }], lineOf: () => null };
  }
  const lineOf = (path: readonly PathSegment[]): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const offset = state.positions.get(pathKey(path.slice(0, n)));
      if (offset !== undefined) return lineAt(offset);
    }
    return null;
  };
  const located: ScriptProblem[] = state.problems.map((p) => ({ path: pathText(p.path), message: p.message, line: lineAt(p.offset) ?? lineOf(p.path) }));
  if (state.fatal) return { value: undefined, usable: false, problems: located, lineOf };
  try {
    return { value: doc.toJS({ maxAliasCount: 0 }) as unknown, usable: true, problems: located, lineOf };
  } catch (error) {
    return { value: undefined, usable: false, problems: [...located, { path: '(syntax)', message: `could not be read as YAML (${error instanceof Error ? error.message : String(error)})`, line: null }], lineOf };
  }
}
