// Mechanical check of the layer rules in DESIGN.md ("Layout and import rules").
// Every import, export-from, require() and import() in main/, native/, preload/ and
// renderer/ is classified and checked against the table below; a wrong import fails the
// test command. Usage: node scripts/check-layers.mjs [ROOT]
import ts from 'typescript';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

// Third-party packages each layer may use. Anything else is refused, so adding a
// dependency to a layer is a deliberate edit here.
const PACKAGES = {
  native: ['pkcs11js', 'usb'],
  main: ['zod', 'shamir-secret-sharing', '@noble/ciphers', '@noble/hashes', '@scure/bip39', 'hash-wasm', 'qrcode', 'jsqr', 'pngjs', 'yaml', 'pdf-lib'],
  preload: ['zod'],
  // jsqr: the import screen decodes camera frames in the renderer; only the text goes to main.
  renderer: ['react', 'react-dom', 'zustand', 'qrcode', 'jsqr'],
};

function layerOf(rel) {
  const parts = rel.split(sep);
  if (parts[0] === 'main' && parts[1] === 'shell') return 'main-shell';
  if (parts[0] === 'main' && parts[1] === 'cli') return 'main-cli';
  if (parts[0] === 'preload' && parts[1] === 'index.ts') return 'preload-entry';
  return parts[0];
}

function packageName(spec) {
  const p = spec.split('/');
  return spec.startsWith('@') ? `${p[0]}/${p[1]}` : p[0];
}

/** Returns a reason string when `spec` (imported by file `rel`) breaks a rule, else null. */
function violation(rel, spec, typeOnly, resolvedRel) {
  const layer = layerOf(rel);
  const base = layer.split('-')[0];
  if (resolvedRel !== null) {
    const target = resolvedRel.split(sep)[0];
    const targetFile = resolvedRel.split(sep).join('/');
    const isContract = targetFile.startsWith('preload/contract');
    switch (base) {
      case 'native':
        return target === 'native' ? null : `native/ may import only native/ (found ${targetFile})`;
      case 'main':
        if (target === 'main' || target === 'native') {
          if (targetFile.startsWith('main/shell/') && layer !== 'main-shell') return `only main/shell/ may import the Electron shell (found ${targetFile})`;
          return null;
        }
        return isContract ? null : `main/ may import main/, native/ and preload/contract only (found ${targetFile})`;
      case 'preload':
        return target === 'preload' ? null : `preload/ may import only preload/ (found ${targetFile})`;
      case 'renderer':
        if (target === 'renderer') return null;
        if (isContract && typeOnly) return null;
        if (isContract) return `renderer/ may import only types from preload/contract (use "import type")`;
        return `renderer/ may not import ${target}/ (found ${targetFile})`;
      default:
        return null;
    }
  }
  if (spec === 'electron') {
    if (layer === 'main-shell' || layer === 'preload-entry') return null;
    return `only main/shell/ and preload/index.ts may import electron`;
  }
  if (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0])) {
    if (base === 'renderer' || (base === 'preload' && layer !== 'preload-entry')) return `${base}/ may not use Node built-in "${spec}"`;
    if (base === 'preload') return `preload/ may not use Node built-in "${spec}"`;
    return null;
  }
  const pkg = packageName(spec);
  if (base === 'renderer' && typeOnly) return PACKAGES.renderer.includes(pkg) ? null : `renderer/ may not import "${pkg}"`;
  const allowed = base === 'main' ? [...PACKAGES.main, ...PACKAGES.native] : PACKAGES[base];
  if (!allowed) return null;
  return allowed.includes(pkg) ? null : `${base}/ may not import package "${pkg}" (allowed: ${allowed.join(', ')})`;
}

function importsOf(source) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      } else {
        typeOnly = node.isTypeOnly;
      }
      found.push({ spec: node.moduleSpecifier.text, typeOnly, pos: node.getStart(source) });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        found.push({ spec: node.arguments[0].text, typeOnly: false, pos: node.getStart(source) });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true, pos: node.getStart(source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function listFiles(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(listFiles(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function checkLayers(root) {
  const problems = [];
  for (const layer of ['native', 'main', 'preload', 'renderer']) {
    for (const file of listFiles(join(root, layer))) {
      const rel = relative(root, file);
      const text = readFileSync(file, 'utf8');
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      for (const { spec, typeOnly, pos } of importsOf(source)) {
        const resolvedRel = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : null;
        if (resolvedRel !== null && resolvedRel.startsWith('..')) {
          problems.push({ file: rel, line: source.getLineAndCharacterOfPosition(pos).line + 1, spec, reason: 'imports outside the project' });
          continue;
        }
        const reason = violation(rel, spec, typeOnly, resolvedRel);
        if (reason) problems.push({ file: rel, line: source.getLineAndCharacterOfPosition(pos).line + 1, spec, reason });
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkLayers(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: import "${p.spec}": ${p.reason}`);
  if (problems.length) {
    console.error(`${problems.length} layer rule violation(s); see DESIGN.md "Layout and import rules".`);
    process.exit(1);
  }
  console.log('Layer rules hold.');
}
