// One Argon2id run (hash-wasm), the same code on the KDF worker thread and, when the
// worker is missing, on the calling thread. Parameters are checked by kdf.ts before a
// job gets here; this only computes and leaves no copy of the output behind.
import { argon2id } from 'hash-wasm';

export interface Argon2idJob {
  password: Uint8Array;
  salt: Uint8Array;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
}

/** The derived bytes as a fresh plain Uint8Array; hash-wasm's own output is overwritten. */
export async function runArgon2id(job: Argon2idJob): Promise<Uint8Array> {
  const out = await argon2id({
    password: job.password,
    salt: job.salt,
    iterations: job.iterations,
    parallelism: job.parallelism,
    memorySize: job.memoryKiB,
    hashLength: job.hashLength,
    outputType: 'binary',
  });
  const copy = new Uint8Array(out.length);
  copy.set(out);
  out.fill(0);
  return copy;
}
