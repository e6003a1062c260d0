// docs/bundle-import.md specifies the import record with an example: the example must be
// a valid record under the code's strict schema, named as the page says, and the schema
// must refuse what the page says a record never holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImportRecordSchema, recordFileName } from '../../../main/bundle/import';

const DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'bundle-import.md'), 'utf8');

function example(): unknown {
  const start = DOC.indexOf('```json\n', DOC.indexOf('## The import record'));
  const end = DOC.indexOf('\n```', start + 8);
  return JSON.parse(DOC.slice(start + 8, end));
}

describe('the import record in docs/bundle-import.md', () => {
  it('the example parses with the schema and gets the documented file name', () => {
    const record = ImportRecordSchema.parse(example());
    assert.equal(recordFileName(record), '20261129T002958Z-payments-kek-2026-b3d030c16673.import.json');
    assert.ok(DOC.includes(recordFileName(record)));
  });

  it('refuses unknown fields (a PIN, the wrapped key) and a wrong format or version', () => {
    const base = example() as Record<string, unknown>;
    assert.equal(ImportRecordSchema.safeParse({ ...base, pin: '123456' }).success, false);
    assert.equal(ImportRecordSchema.safeParse({ ...base, manifest: { ...(base.manifest as object), wrap: { wrappedKey: 'AAAA' } } }).success, false);
    assert.equal(ImportRecordSchema.safeParse({ ...base, format: 'something-else' }).success, false);
    assert.equal(ImportRecordSchema.safeParse({ ...base, version: 2 }).success, false);
    const { outcome, ...rest } = base;
    assert.ok(outcome);
    assert.equal(ImportRecordSchema.safeParse(rest).success, false);
  });
});
