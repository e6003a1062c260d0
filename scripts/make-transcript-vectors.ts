// Writes the transcript test vectors (test/vectors/transcript/): a small sealed ceremony
// transcript signed by a fixed test ceremony key (ECDSA P-256) and a fixed test witness
// key (Ed25519), the keys themselves (PKCS#8 and SPKI PEM, marked TEST-ONLY), tampered
// variants, and expected.json with every entry hash, every signature payload and the
// first failure each tampered file must produce. test/unit/transcript/transcript-vectors.test.ts
// re-verifies them with a second implementation (node:crypto and its own canonical JSON).
//
// The keys are made once and then reused: re-running keeps them, so only the ECDSA
// signatures (randomized) and what hashes over them change.
// Run: node --import tsx scripts/make-transcript-vectors.ts
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '../main/quorum/canonical-json';
import { fingerprintOf } from '../main/quorum/fingerprint';
import type { Actor, EntryData, EntryType } from '../main/transcript/data-schemas';
import { hashLine } from '../main/transcript/line';
import { signaturePayload } from '../main/transcript/signature-payload';
import { verifyChain } from '../main/transcript/verify-chain';
import { verifySignatures } from '../main/transcript/verify-signatures';
import { openTranscript, type AppendedEntry } from '../main/transcript/writer';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'vectors', 'transcript');
const keyDir = join(outDir, 'keys');

const CEREMONY_ID = 'vector-root-2025-01';
const TEST_ONLY =
  'TEST-ONLY KEY. It is published in the Conclave repository as part of the transcript test\n' +
  'vectors (docs/transcript.md). Anyone can sign with it. Never use it for anything real.\n';

interface TestKey {
  privateKey: KeyObject;
  spkiDer: Buffer;
  fingerprint: string;
}

/** Loads a fixed test key, or makes it the first time. */
function testKey(name: string, make: () => { privateKey: KeyObject }): TestKey {
  const pkcs8Path = join(keyDir, `${name}.TEST-ONLY.pkcs8.pem`);
  const spkiPath = join(keyDir, `${name}.TEST-ONLY.spki.pem`);
  let privateKey: KeyObject;
  if (existsSync(pkcs8Path)) {
    privateKey = createPrivateKey(readFileSync(pkcs8Path, 'utf8'));
  } else {
    privateKey = make().privateKey;
    mkdirSync(keyDir, { recursive: true });
    writeFileSync(pkcs8Path, TEST_ONLY + (privateKey.export({ format: 'pem', type: 'pkcs8' }) as string));
  }
  const publicKey = createPublicKey(privateKey);
  writeFileSync(spkiPath, TEST_ONLY + (publicKey.export({ format: 'pem', type: 'spki' }) as string));
  const spkiDer = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, spkiDer, fingerprint: createHash('sha256').update(spkiDer).digest('hex') };
}

const ceremonyKey = testKey('ceremony-key', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
const carolKey = testKey('witness-carol', () => generateKeyPairSync('ed25519'));

const ADMIN: Actor = { role: 'administrator', name: 'Ana Müller' };
const BOB: Actor = { role: 'custodian', name: 'Bob' };
const CHIDI: Actor = { role: 'custodian', name: 'Chidi Okafor' };
const CAROL: Actor = { role: 'witness', name: 'Carol' };
const SYSTEM: Actor = { role: 'system', name: 'Conclave' };

const SCRIPT = [
  'name: Vector root ceremony',
  'ceremonyId: vector-root-2025-01',
  'participants:',
  '  administrator: Ana Müller',
  '  custodians: [Bob, Chidi Okafor]',
  `  witnesses: [{ name: Carol, keyFingerprint: ${carolKey.fingerprint} }]`,
  'steps:',
  '  - id: generate-ceremony-key',
  '',
].join('\n');

async function writeValid(path: string): Promise<AppendedEntry[]> {
  let time = Date.parse('2025-01-31T09:00:00.000Z');
  const writer = await openTranscript(path, {
    ceremonyId: CEREMONY_ID,
    create: true,
    now: () => new Date((time += 1500)),
  });
  const out: AppendedEntry[] = [];
  const add = async <T extends EntryType>(type: T, actor: Actor, data: EntryData<T>) => {
    const appended = await writer.append(type, actor, data);
    out.push(appended as AppendedEntry);
    return appended;
  };
  const cover = () => ({ upTo: writer.head!.seq, hash: writer.head!.hash });
  const signatureBy = (kind: 'ceremony-key' | 'witness', target: AppendedEntry): EntryData<'signature'> => {
    const key = kind === 'ceremony-key' ? ceremonyKey : carolKey;
    const payload = signaturePayload(CEREMONY_ID, target.entry.seq, target.hash);
    const signature = kind === 'ceremony-key' ? sign('sha256', payload, { key: key.privateKey, dsaEncoding: 'der' }) : sign(null, payload, key.privateKey);
    return {
      signs: target.entry.seq,
      entryHash: target.hash,
      signer: { kind, name: kind === 'ceremony-key' ? 'ceremony-signing-2025' : 'Carol', keyFingerprint: key.fingerprint },
      algorithm: kind === 'ceremony-key' ? 'ecdsa-p256-sha256' : 'ed25519',
      publicKeySpki: key.spkiDer.toString('base64'),
      signature: signature.toString('base64'),
    };
  };

  await add('ceremony-opened', ADMIN, {
    script: { name: 'Vector root ceremony', format: 'yaml', sha256: createHash('sha256').update(SCRIPT, 'utf8').digest('hex'), text: SCRIPT },
    tool: { name: 'conclave', version: '0.1.0' },
    rehearsal: true,
    previousCeremonyFinalHash: null,
    participants: [
      { role: 'administrator', name: 'Ana Müller' },
      { role: 'custodian', name: 'Bob' },
      { role: 'custodian', name: 'Chidi Okafor' },
      { role: 'witness', name: 'Carol', keyFingerprint: carolKey.fingerprint },
    ],
  });
  await add('clock-confirmed', ADMIN, { systemTime: '2025-01-31T09:00:02.250Z', timeZone: 'UTC', utcOffsetMinutes: 0 });
  await add('air-gap-override', ADMIN, { failedChecks: ['wireless'], reason: 'Rehearsal on a laptop:\n\tthe Wi-Fi card cannot be removed.' });
  await add('step-started', SYSTEM, { step: 'generate-ceremony-key', index: 1, title: 'Generate the ceremony signing key' });
  await add('step-acknowledged', BOB, { step: 'generate-ceremony-key', role: 'custodian', name: 'Bob' });
  await add('step-acknowledged', CHIDI, { step: 'generate-ceremony-key', role: 'custodian', name: 'Chidi Okafor' });
  await add('confirmation-typed', ADMIN, { step: 'generate-ceremony-key', subject: 'generate the ceremony signing key', phrase: 'GENERATE' });
  const fp = fingerprintOf(ceremonyKey.spkiDer);
  await add('key-generated', SYSTEM, {
    purpose: 'ceremony-signing',
    label: 'ceremony-signing-2025',
    id: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    algorithm: 'ec-p256',
    hsmRole: 'sign',
    adopted: false,
    publicKeySpki: ceremonyKey.spkiDer.toString('base64'),
    fingerprint: { hex: fp.hex, words: fp.words },
    attributes: { sensitive: true, extractable: false, neverExtractable: true, sign: true, curve: 'ec-p256' },
  });
  await add('step-completed', SYSTEM, { step: 'generate-ceremony-key', result: { label: 'ceremony-signing-2025', note: 'café ☕ read back' } });
  const checkpoint = await add('checkpoint', SYSTEM, cover());
  await add('signature', SYSTEM, signatureBy('ceremony-key', checkpoint));
  const seal = await add('seal', SYSTEM, cover());
  const bySeal = await add('signature', SYSTEM, signatureBy('ceremony-key', seal));
  const byCarol = await add('signature', CAROL, signatureBy('witness', seal));
  await add('sealed', SYSTEM, { seal: seal.entry.seq, sealHash: seal.hash, signatures: [bySeal.entry.seq, byCarol.entry.seq] });
  await writer.close();
  return out;
}

type Json = Record<string, any>;
const parse = (line: string) => JSON.parse(line) as Json;

/** Re-links lines from `from` on, as a forger would after changing one. */
function rechain(lines: string[], from: number): string[] {
  const out = [...lines];
  for (let i = Math.max(from, 1); i < out.length; i++) {
    const entry = parse(out[i]!);
    entry.prev = hashLine(out[i - 1]!);
    if (entry.type === 'checkpoint' || entry.type === 'seal') entry.data.hash = entry.prev;
    if (entry.type === 'signature') entry.data.entryHash = hashLine(out[entry.data.signs]!);
    if (entry.type === 'sealed') entry.data.sealHash = hashLine(out[entry.data.seal]!);
    out[i] = canonicalJson(entry);
  }
  return out;
}

function edit(lines: string[], index: number, change: (entry: Json) => void): string[] {
  const out = [...lines];
  const entry = parse(out[index]!);
  change(entry);
  out[index] = canonicalJson(entry);
  return out;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'conclave-vectors-'));
  try {
    const appended = await writeValid(join(work, 'transcript.jsonl'));
    const valid = readFileSync(join(work, 'transcript.jsonl'), 'utf8');
    const lines = valid.split('\n').slice(0, -1);
    const trust = { ceremonyKeySpki: ceremonyKey.spkiDer, witnesses: [{ name: 'Carol', fingerprint: carolKey.fingerprint }] };

    const carolSeal = lines.findIndex((l) => parse(l).type === 'signature' && parse(l).data.signer.kind === 'witness');
    const sealedIndex = lines.length - 1;
    const sealedEntry = parse(lines[sealedIndex]!);
    const tampered: Array<{ file: string; description: string; lines: string[] }> = [
      { file: 'changed-data.jsonl', description: 'entry 6: the typed confirmation phrase was changed', lines: edit(lines, 6, (e) => (e.data.phrase = 'GENERATE!')) },
      { file: 'changed-time.jsonl', description: 'entry 3: its time was moved', lines: edit(lines, 3, (e) => (e.at = '2025-01-31T09:00:06.750Z')) },
      { file: 'changed-actor.jsonl', description: 'entry 4: acknowledged by someone else', lines: edit(lines, 4, (e) => (e.actor = { role: 'custodian', name: 'Chidi Okafor' })) },
      { file: 'removed-entry.jsonl', description: 'entry 2 (the air-gap override) was removed', lines: lines.filter((_, i) => i !== 2) },
      { file: 'reordered.jsonl', description: 'entries 4 and 5 were swapped', lines: [...lines.slice(0, 4), lines[5]!, lines[4]!, ...lines.slice(6)] },
      { file: 'duplicated-line.jsonl', description: 'line 5 (entry 4) appears twice', lines: [...lines.slice(0, 5), lines[4]!, ...lines.slice(5)] },
      {
        file: 'appended-after-sealed.jsonl',
        description: 'an entry chained after sealed',
        lines: [...lines, canonicalJson({ ...sealedEntry, seq: sealedEntry.seq + 1, prev: hashLine(lines[sealedIndex]!), type: 'file-written', data: { path: 'late.txt', purpose: 'added later', sha256: 'e'.repeat(64), bytes: 4 } })],
      },
      {
        file: 'rechained-change.jsonl',
        description: 'entry 2 changed and every later link recomputed: only the checkpoint signature catches it',
        lines: rechain(edit(lines, 2, (e) => (e.data.reason = 'No reason.')), 2),
      },
      {
        file: 'bad-witness-signature.jsonl',
        description: "Carol's seal signature has one bit flipped",
        lines: edit(lines, carolSeal, (e) => {
          const sig = Buffer.from(e.data.signature, 'base64');
          sig[0] = sig[0]! ^ 1;
          e.data.signature = sig.toString('base64');
        }),
      },
    ];

    rmSync(join(outDir, 'tampered'), { recursive: true, force: true });
    mkdirSync(join(outDir, 'tampered'), { recursive: true });
    writeFileSync(join(outDir, 'valid-root-ceremony.jsonl'), valid);
    const expectedTampered = [];
    for (const t of tampered) {
      // bad-witness-signature changes a line after which only "sealed" follows; re-link it.
      const fileLines = t.file === 'bad-witness-signature.jsonl' ? rechain(t.lines, carolSeal) : t.lines;
      writeFileSync(join(outDir, 'tampered', t.file), `${fileLines.join('\n')}\n`);
      const chain = verifyChain(fileLines);
      let failure: { check: string; code: string; seq: number | null; line: number; message: string };
      if (!chain.ok) {
        failure = { check: 'chain', code: chain.problem.code, seq: chain.problem.seq, line: chain.problem.line, message: chain.problem.message };
      } else {
        const sigs = verifySignatures(chain.entries, trust);
        if (sigs.ok) throw new Error(`${t.file} verifies; it must not`);
        failure = { check: 'signatures', code: sigs.failure.code, seq: sigs.failure.seq, line: sigs.failure.line, message: sigs.failure.message };
      }
      expectedTampered.push({ file: `tampered/${t.file}`, description: t.description, firstFailure: failure });
    }
    const torn = `${valid.split('\n').slice(0, 9).join('\n')}\n${lines[9]!.slice(0, 100)}`;
    writeFileSync(join(outDir, 'tampered', 'torn-tail.jsonl'), torn);

    const check = verifyChain(lines);
    if (!check.ok || !verifySignatures(check.entries, trust).ok) throw new Error('the valid vector does not verify');
    const expected = {
      description: 'Transcript test vectors (docs/transcript.md, "Test vectors"). The keys in keys/ are TEST-ONLY.',
      ceremonyId: CEREMONY_ID,
      file: 'valid-root-ceremony.jsonl',
      ceremonyKey: { spkiPem: 'keys/ceremony-key.TEST-ONLY.spki.pem', pkcs8Pem: 'keys/ceremony-key.TEST-ONLY.pkcs8.pem', fingerprint: ceremonyKey.fingerprint },
      witnesses: [{ name: 'Carol', spkiPem: 'keys/witness-carol.TEST-ONLY.spki.pem', pkcs8Pem: 'keys/witness-carol.TEST-ONLY.pkcs8.pem', fingerprint: carolKey.fingerprint }],
      entries: appended.map((a) => ({ seq: a.entry.seq, type: a.entry.type, hash: a.hash })),
      signaturePayloads: appended
        .filter((a) => a.entry.type === 'signature')
        .map((a) => {
          const data = a.entry.data as EntryData<'signature'>;
          const payload = signaturePayload(CEREMONY_ID, data.signs, data.entryHash);
          return { signatureEntry: a.entry.seq, signs: data.signs, signer: data.signer.name, payloadHex: Buffer.from(payload).toString('hex') };
        }),
      finalHash: appended[appended.length - 1]!.hash,
      tampered: expectedTampered,
      torn: { file: 'tampered/torn-tail.jsonl', cut: { line: 10, bytes: 100, sha256: createHash('sha256').update(lines[9]!.slice(0, 100)).digest('hex'), reason: 'no-newline' } },
    };
    writeFileSync(join(outDir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
    console.log(`Wrote ${lines.length} entries, ${tampered.length + 1} tampered files and expected.json to ${outDir}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
