// Proof that no secret reached the disk: every file under the given folders (hidden and
// temporary ones included) is searched for every secret a test used — passphrases, PINs,
// shares — as raw bytes, as lower- and upper-case hex and as base64 (standard and URL
// alphabets, with and without padding).
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface SecretFinding {
  file: string;
  secret: string;
  form: string;
}

function forms(bytes: Uint8Array): Array<{ form: string; needle: Buffer }> {
  const raw = Buffer.from(bytes);
  const hex = raw.toString('hex');
  const b64 = raw.toString('base64');
  const b64url = raw.toString('base64url');
  const out = [
    { form: 'raw', needle: raw },
    { form: 'hex', needle: Buffer.from(hex) },
    { form: 'HEX', needle: Buffer.from(hex.toUpperCase()) },
    { form: 'base64', needle: Buffer.from(b64) },
    { form: 'base64 unpadded', needle: Buffer.from(b64.replace(/=+$/, '')) },
    { form: 'base64url', needle: Buffer.from(b64url) },
  ];
  return out.filter((f) => f.needle.length > 0);
}

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      const info = lstatSync(path);
      if (info.isDirectory()) visit(path);
      else if (info.isFile()) out.push(path);
    }
  };
  visit(root);
  return out;
}

/** Collects the secrets of one test, then searches folders for them. */
export class SecretTracker {
  private readonly secrets: Array<{ label: string; bytes: Uint8Array }> = [];

  /** Remembers a copy (the caller may overwrite its array afterwards). Empty and 1–3 byte values are ignored as meaningless needles. */
  add(label: string, value: Uint8Array | string): void {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : Uint8Array.from(value);
    if (bytes.length >= 4) this.secrets.push({ label, bytes });
  }

  get size(): number {
    return this.secrets.length;
  }

  /** Every occurrence of a secret in the files under `roots`, except in files listed in `allow`. */
  scan(roots: string[], options: { allow?: string[] } = {}): { findings: SecretFinding[]; filesScanned: number } {
    const allow = new Set((options.allow ?? []).map((p) => resolve(p)));
    const findings: SecretFinding[] = [];
    let filesScanned = 0;
    const needles = this.secrets.flatMap((s) => forms(s.bytes).map((f) => ({ ...f, label: s.label })));
    for (const root of roots) {
      for (const file of listFiles(root)) {
        if (allow.has(resolve(file))) continue;
        filesScanned++;
        const content = readFileSync(file);
        for (const n of needles) {
          if (content.indexOf(n.needle) !== -1) findings.push({ file, secret: n.label, form: n.form });
        }
      }
    }
    return { findings, filesScanned };
  }
}
