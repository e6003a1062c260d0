// The JSON Schema of the script format (docs/ceremony-script.schema.json), generated from
// the zod schema so the two cannot disagree. It describes what a file may say (defaults
// may be left out); rules across fields (docs/ceremony-script.md, "Rules") are beyond
// JSON Schema and are checked by parseScript.
import { z } from 'zod';
import { ScriptSchema, scriptSchemaRegistry } from './schema';
import { SCRIPT_FORMAT, SCRIPT_VERSION } from './vocabulary';

export const SCRIPT_SCHEMA_ID = 'https://conclave.invalid/schemas/ceremony-script-v1.schema.json';

export function scriptJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScriptSchema, { io: 'input', target: 'draft-2020-12', metadata: scriptSchemaRegistry }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCRIPT_SCHEMA_ID,
    title: `Conclave ceremony script (${SCRIPT_FORMAT}, version ${SCRIPT_VERSION})`,
    description: 'A declarative ceremony script. See docs/ceremony-script.md; cross-field rules are checked by Conclave (npx conclave script check FILE).',
    ...rest,
  };
}

/** The committed file's exact text: two-space JSON and a final newline. */
export function scriptJsonSchemaText(): string {
  return `${JSON.stringify(scriptJsonSchema(), null, 2)}\n`;
}
