// Writes docs/ceremony-script.schema.json (the JSON Schema generated from the zod schema
// with z.toJSONSchema) and docs/examples/*.yaml (each built-in template rendered).
// Tests fail when the committed files differ from a fresh generation, so run this after
// changing the format: node --import tsx scripts/make-script-schema.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptJsonSchemaText } from '../main/ceremony/script/json-schema';
import { exampleScripts, exampleText } from './script-examples';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'docs', 'ceremony-script.schema.json');
writeFileSync(schemaPath, scriptJsonSchemaText());
process.stdout.write(`wrote ${schemaPath}\n`);

const examples = join(root, 'docs', 'examples');
mkdirSync(examples, { recursive: true });
for (const example of exampleScripts()) {
  const path = join(examples, example.file);
  writeFileSync(path, exampleText(example));
  process.stdout.write(`wrote ${path}\n`);
}
