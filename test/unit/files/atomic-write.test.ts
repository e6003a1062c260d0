// Atomic, no-overwrite file writes on a real file system: the file is complete or absent,
// an existing file is never replaced, the mode is exact, and the hash is of the bytes
// read back from disk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSha256, renameNoReplace, replaceFileAtomic, writeFileAtomic } from '../../../main/files/atomic-write';
import { rejectsWithCode } from '../../helpers/softhsm';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('writeFileAtomic', () => {
  it('writes the bytes with mode 0600, returns the SHA-256 of what is on disk, and leaves no temporary file', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'envelope.json');
    const written = await writeFileAtomic(path, '{"a":1}');
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}');
    assert.equal(written.sha256, sha('{"a":1}'));
    assert.equal(written.size, 7);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['envelope.json']);
    assert.equal(await fileSha256(path), written.sha256);
  });

  it('honours another mode exactly, whatever the umask', async (t) => {
    const dir = tempDir(t);
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(join(dir, 'record.json'), new Uint8Array([1, 2, 3]), { mode: 0o644 });
    } finally {
      process.umask(previous);
    }
    assert.equal(statSync(join(dir, 'record.json')).mode & 0o777, 0o644);
  });

  it('refuses to overwrite an existing file, naming it, and leaves it untouched', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'taken.json');
    writeFileSync(path, 'original');
    const error = await rejectsWithCode(writeFileAtomic(path, 'new'), 'FILE_EXISTS');
    assert.match(error.message, /taken\.json/);
    assert.equal(readFileSync(path, 'utf8'), 'original');
    assert.deepEqual(readdirSync(dir), ['taken.json'], 'no temporary file is left behind');
    mkdirSync(join(dir, 'a-folder.json'));
    await rejectsWithCode(writeFileAtomic(join(dir, 'a-folder.json'), 'x'), 'FILE_EXISTS');
  });

  it('names a missing folder, a read-only folder and a relative path', async (t) => {
    const dir = tempDir(t);
    const missing = await rejectsWithCode(writeFileAtomic(join(dir, 'nope', 'x.json'), 'x'), 'DIRECTORY_NOT_FOUND');
    assert.match(missing.message, /nope/);
    await rejectsWithCode(writeFileAtomic('relative/x.json', 'x'), 'PATH_NOT_ABSOLUTE');
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      t.after(() => chmodSync(locked, 0o700));
      await rejectsWithCode(writeFileAtomic(join(locked, 'x.json'), 'x'), 'FILE_WRITE_DENIED');
      assert.deepEqual(readdirSync(locked), []);
    }
  });
});

describe('replaceFileAtomic and renameNoReplace', () => {
  it('replaces a journal in one step', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'journal.json');
    await replaceFileAtomic(path, 'one');
    await replaceFileAtomic(path, 'two');
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['journal.json']);
  });

  it('renames without replacing anything at the new name', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'old.json'), 'old');
    writeFileSync(join(dir, 'taken.json'), 'taken');
    await rejectsWithCode(renameNoReplace(join(dir, 'old.json'), join(dir, 'taken.json')), 'FILE_EXISTS');
    assert.equal(readFileSync(join(dir, 'taken.json'), 'utf8'), 'taken');
    await renameNoReplace(join(dir, 'old.json'), join(dir, 'kept.json'));
    assert.deepEqual(readdirSync(dir).sort(), ['kept.json', 'taken.json']);
  });
});
