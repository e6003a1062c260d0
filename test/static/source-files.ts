// Helpers for the static checks: the project root, listing source files, and reading a
// file with its comments removed (printed back by the TypeScript compiler), so a check
// can never be satisfied, or tripped, by a comment.
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function listSources(dir: string, pattern = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/): string[] {
  const found: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listSources(path, pattern));
    else if (pattern.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

export function parse(path: string): ts.SourceFile {
  const kind = /\.(tsx|jsx)$/.test(path) ? ts.ScriptKind.TSX : /\.(m|c)?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

export function codeWithoutComments(path: string): string {
  return ts.createPrinter({ removeComments: true }).printFile(parse(path));
}

/** Every `name: literal` property assignment in a file, e.g. nodeIntegration: true. */
export function literalProperties(path: string): { name: string; value: string; line: number }[] {
  const source = parse(path);
  const found: { name: string; value: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAssignment(node)) {
      const name = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : null;
      const init = node.initializer;
      let value: string | null = null;
      if (init.kind === ts.SyntaxKind.TrueKeyword) value = 'true';
      else if (init.kind === ts.SyntaxKind.FalseKeyword) value = 'false';
      else if (ts.isStringLiteral(init)) value = init.text;
      if (name !== null && value !== null) found.push({ name, value, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
