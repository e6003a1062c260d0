// The documents stay true: the committed JSON Schema equals a fresh generation from the
// zod schema, each example is the current rendering of its template and parses, the
// annotated example in docs/ceremony-script.md parses, and its action table is the one
// the code defines.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ACTIONS, parseScript, PRECONDITIONS, scriptHash, scriptJsonSchema, scriptJsonSchemaText } from '../../../main/ceremony/script/index';
import { exampleScripts, exampleText } from '../../../scripts/script-examples';
import { actionTable } from './docs-table';

const docs = join(import.meta.dirname, '..', '..', '..', 'docs');
const read = (...parts: string[]) => readFileSync(join(docs, ...parts), 'utf8');

describe('docs', () => {
  test('docs/ceremony-script.schema.json equals a fresh generation (run scripts/make-script-schema.ts)', () => {
    assert.equal(read('ceremony-script.schema.json'), scriptJsonSchemaText());
  });

  test('the JSON Schema is strict and covers every action', () => {
    const schema = scriptJsonSchema() as { additionalProperties: boolean; required: string[]; $defs: Record<string, { additionalProperties?: boolean; properties?: Record<string, { const?: string }> }> };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['format', 'version', 'ceremony', 'participants', 'quorum', 'token', 'steps']);
    const stepDefs = Object.values(schema.$defs).filter((d) => d.properties?.action?.const !== undefined);
    assert.deepEqual(stepDefs.map((d) => d.properties!.action!.const).sort(), [...ACTIONS].sort());
    for (const d of stepDefs) assert.equal(d.additionalProperties, false);
    assert.deepEqual((schema.$defs.Precondition as unknown as { enum: string[] }).enum, [...PRECONDITIONS]);
  });

  test('each example is its template rendered, and parses', () => {
    const examples = exampleScripts();
    const files = readdirSync(join(docs, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(files, examples.map((e) => e.file).sort(), 'no stale or missing example files');
    for (const example of examples) {
      const text = read('examples', example.file);
      assert.equal(text, exampleText(example), `${example.file} is current (run scripts/make-script-schema.ts)`);
      const parsed = parseScript(text, { fileName: example.file });
      assert.deepEqual(parsed, example.script);
      assert.equal(scriptHash(parsed), scriptHash(example.script));
    }
  });

  test('the annotated example in docs/ceremony-script.md parses', () => {
    const md = read('ceremony-script.md');
    const m = /<!-- example:annotated[^>]*-->\n```yaml\n([\s\S]*?)```/.exec(md);
    assert.ok(m, 'the annotated example block is present');
    const script = parseScript(m[1]!, { fileName: 'ceremony-script.md' });
    assert.equal(script.steps.at(-1)!.action, 'seal');
    const root = script.steps.find((s) => s.id === 'root')!;
    assert.equal(root.irreversible, true);
    assert.deepEqual(root.acknowledgements, [{ role: 'administrator' }, { role: 'custodians', count: 2 }, { role: 'witnesses', count: 'all' }]);
  });

  test('the action table in docs/ceremony-script.md is the one the code defines', () => {
    const md = read('ceremony-script.md');
    assert.ok(md.includes(actionTable()), `docs/ceremony-script.md contains:\n${actionTable()}`);
    for (const action of ACTIONS) assert.ok(md.includes(`- **\`${action}\`**`), `${action} is described`);
  });
});
