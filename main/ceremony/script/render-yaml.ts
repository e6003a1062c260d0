// Writes a script as YAML a person can read and edit: fields in the format's order,
// every default spelled out, long texts on one line (no folding that an editor might
// reflow). Used for the examples in docs/examples/ and by "save as file" in the app.
import { Document } from 'yaml';
import type { CeremonyScript } from './schema';

export function renderScriptYaml(script: CeremonyScript, header?: string): string {
  const doc = new Document(script, { version: '1.2' });
  if (header) doc.commentBefore = header.split('\n').map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
