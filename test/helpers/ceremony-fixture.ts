// A small, real, sealed ceremony folder for tests: a ceremony script (root key
// generation: room, clock, token facts, quorum login, ceremony key, root key, public key
// export, checkpoint, witness signature, seal), a transcript written by the real
// transcript writer, keys generated in a real SoftHSM2 token, checkpoint and seal signed
// by the ceremony key in the token (ECDSA, raw r||s encoded as DER) and by a witness
// with a real Ed25519 key file (Argon2id at the minimum cost, to keep tests quick).
//
// What is not real: no custodian shares exist — the token is logged in with its user PIN
// directly and the quorum-established entry describes a login that the fixture stands in
// for; the room check is recorded as given, not run. The folder's verifier reads only the
// transcript and files, which are exactly what a ceremony writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../main/files/atomic-write';
import type { HsmClient } from '../../main/hsm/hsm-client';
import { sha256Hex } from '../../main/quorum/bytes';
import { fingerprintOf } from '../../main/quorum/fingerprint';
import { KDF_MINIMUM } from '../../main/quorum/types';
import { openTranscript, signaturePayload, type Actor, type TranscriptWriter } from '../../main/transcript/index';
import { createWitnessKey, openWitnessKey, parseWitnessKey, type WitnessSigner } from '../../main/witness/index';
import { ecdsaRawToDer } from '../../native/hsm/der';
import { clientFor, initTokenWithUtil, makeSoftHsm, pin, type Cleanup, type SoftHsmFixture } from './softhsm';

export interface CeremonyFixtureOptions {
  ceremonyId?: string;
  rehearsal?: boolean;
  administrator?: string;
  custodians?: string[];
  witness?: string;
  /** Stop before the seal (for tests of unfinished ceremonies). */
  stopBeforeSeal?: boolean;
  /** Leave out the witness's acknowledgement of this step (a ceremony that broke its script's policy, yet signed). */
  omitWitnessAcknowledgement?: string;
}

export interface CeremonyFixture {
  dir: string;
  ceremonyId: string;
  scriptText: string;
  softhsm: SoftHsmFixture;
  client: HsmClient;
  slotId: string;
  /** Hash of the sealed entry (null with stopBeforeSeal). */
  finalHash: string | null;
  witnessFingerprint: string;
  ceremonyKeySpki: Uint8Array;
  /** The user PIN of the token, so a test can check it is written nowhere. */
  userPin: string;
  witnessPassphrase: string;
}

const TOKEN_LABEL = 'Fixture HSM';
const USER_PIN = 'fixture-user-pin-4711';
const SO_PIN = 'fixture-so-pin-0815';
const WITNESS_PASSPHRASE = 'correct horse battery staple fixture';

function scriptText(o: { ceremonyId: string; rehearsal: boolean; administrator: string; custodians: string[]; witness: string; witnessFingerprint: string }): string {
  return JSON.stringify(
    {
      format: 'conclave-ceremony-script',
      version: 1,
      ceremony: { id: o.ceremonyId, title: `Root key generation ${o.ceremonyId}`, kind: 'root-key-generation', rehearsal: o.rehearsal },
      participants: {
        administrator: { name: o.administrator },
        custodians: o.custodians.map((name) => ({ name })),
        witnesses: [{ name: o.witness, key: { kind: 'file', fingerprint: o.witnessFingerprint } }],
      },
      quorum: { threshold: 2 },
      token: { label: TOKEN_LABEL },
      steps: [
        { id: 'room', title: 'Check the room', action: 'check-room' },
        { id: 'clock', title: 'Confirm the clock is UTC', action: 'confirm-clock-utc' },
        { id: 'hsm', title: 'Record the HSM', action: 'record-token-facts' },
        { id: 'login', title: 'Custodians log in', action: 'quorum-login' },
        { id: 'ceremony-key', title: 'Generate the ceremony signing key', action: 'generate-ceremony-key', params: { label: `ceremony-${o.ceremonyId}` } },
        { id: 'root', title: 'Generate the root key', action: 'generate-key', params: { label: `root-${o.ceremonyId}`, type: 'ec-p256', role: 'sign' } },
        { id: 'export', title: 'Export the root public key', action: 'export-public-key', params: { label: `root-${o.ceremonyId}`, file: 'root-public.pem' } },
        { id: 'checkpoint', title: 'Checkpoint', action: 'checkpoint' },
        { id: 'witnesses', title: 'Witnesses sign', action: 'witness-sign' },
        { id: 'seal', title: 'Seal the ceremony', action: 'seal' },
      ],
    },
    null,
    2,
  );
}

/** Builds a sealed ceremony in a fresh temporary folder (removed after the test). */
export async function buildSealedCeremony(t: Cleanup, options: CeremonyFixtureOptions = {}): Promise<CeremonyFixture> {
  const ceremonyId = options.ceremonyId ?? 'fixture-root-2026';
  const rehearsal = options.rehearsal ?? false;
  const administrator = options.administrator ?? 'Morgan Lee';
  const custodians = options.custodians ?? ['Alice Chen', 'Bruno Silva', 'Chiara Rossi'];
  const witnessName = options.witness ?? 'Wanda Okafor';
  const dir = mkdtempSync(join(tmpdir(), 'conclave-ceremony-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const softhsm = makeSoftHsm(t);
  initTokenWithUtil(softhsm, { label: TOKEN_LABEL, soPin: SO_PIN, userPin: USER_PIN });
  const client = clientFor(softhsm, t);
  const module = await client.loadModule(softhsm.modulePath);
  const slot = (await client.listTokens()).find((x) => x.token?.label === TOKEN_LABEL);
  if (!slot?.token) throw new Error('the fixture token is not listed');
  await client.login(slot.slotId, 'user', pin(USER_PIN));

  const passphrase = new TextEncoder().encode(WITNESS_PASSPHRASE);
  const created = await createWitnessKey({ name: witnessName, passphrase, kdf: { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism } });
  const witness: WitnessSigner = await openWitnessKey(parseWitnessKey(created.fileText), passphrase);
  t.after(() => witness.close());

  const text = scriptText({ ceremonyId, rehearsal, administrator, custodians, witness: witnessName, witnessFingerprint: created.fingerprintHex });
  const admin: Actor = { role: 'administrator', name: administrator };
  const wit: Actor = { role: 'witness', name: witnessName };
  const system: Actor = { role: 'system', name: 'Conclave' };
  const w: TranscriptWriter = await openTranscript(join(dir, 'transcript.jsonl'), { ceremonyId, create: true });
  t.after(() => w.close());

  await w.append('ceremony-opened', admin, {
    script: { name: 'fixture-root.json', format: 'json', sha256: sha256Hex(new TextEncoder().encode(text)), text },
    tool: { name: 'conclave', version: '0.1.0' },
    rehearsal,
    previousCeremonyFinalHash: null,
    participants: [
      { role: 'administrator', name: administrator },
      ...custodians.map((name) => ({ role: 'custodian' as const, name })),
      { role: 'witness', name: witnessName, keyFingerprint: created.fingerprintHex },
    ],
  });

  let index = 0;
  const step = async (id: string, title: string, body: () => Promise<Record<string, unknown> | void>, acks: Actor[] = [admin]) => {
    index++;
    await w.append('step-started', admin, { step: id, index, title });
    const result = (await body()) ?? {};
    for (const a of acks) {
      if (a.role === 'witness' && options.omitWitnessAcknowledgement === id) continue;
      await w.append('step-acknowledged', a, { step: id, role: a.role as 'administrator', name: a.name });
    }
    await w.append('step-completed', system, { step: id, result: result as never });
  };

  await step('room', 'Check the room', async () => {
    await w.append('room-checked', system, { rehearsal, ready: true, checks: [{ id: 'network', title: 'No active network interface', status: 'pass', reason: 'only loopback is up' }] });
  });
  await step('clock', 'Confirm the clock is UTC', async () => {
    await w.append('clock-confirmed', admin, { systemTime: new Date().toISOString(), timeZone: 'UTC', utcOffsetMinutes: 0 });
  });
  await step(
    'hsm',
    'Record the HSM',
    async () => {
      const token = slot.token!;
      await w.append('token-facts', system, {
        slotId: slot.slotId,
        label: token.label,
        manufacturer: token.manufacturer,
        model: token.model,
        serial: token.serial,
        firmwareVersion: token.firmwareVersion,
        hardwareVersion: token.hardwareVersion,
        flags: token.flags,
        module: { path: module.path, libraryDescription: module.libraryDescription, manufacturer: module.manufacturer, cryptokiVersion: module.cryptokiVersion, libraryVersion: module.libraryVersion },
      });
      return { serial: token.serial };
    },
    [admin, wit],
  );
  await step('login', 'Custodians log in', async () => {
    await w.append('quorum-established', system, {
      purpose: 'login',
      policyId: sha256Hex(new TextEncoder().encode('fixture policy 2 of 3')),
      policySummary: `2 of ${custodians.length}`,
      custodians: custodians.slice(0, 2).map((name) => ({ name, group: null })),
      recordSha256: null,
    });
  });

  const generate = async (purpose: string, label: string) => {
    const key = await client.generateKey({ slotId: slot.slotId, type: 'ec-p256', label, role: 'sign' });
    const exported = await client.exportPublicKey(key.privateKey!.handle);
    const a = key.privateKey!.attributes;
    await w.append('key-generated', system, {
      purpose,
      label,
      id: key.id,
      algorithm: 'ec-p256',
      hsmRole: 'sign',
      adopted: false,
      publicKeySpki: Buffer.from(exported.spki).toString('base64'),
      fingerprint: fingerprintOf(exported.spki),
      attributes: { sensitive: a.sensitive, extractable: a.extractable, sign: a.sign, neverExtractable: a.neverExtractable },
    });
    return { key, exported };
  };

  let ceremonyKey!: Awaited<ReturnType<typeof generate>>;
  await step(
    'ceremony-key',
    'Generate the ceremony signing key',
    async () => {
      await w.append('confirmation-typed', admin, { step: 'ceremony-key', subject: 'generate the ceremony signing key', phrase: 'GENERATE CEREMONY KEY' });
      ceremonyKey = await generate('ceremony-signing', `ceremony-${ceremonyId}`);
      return { fingerprint: fingerprintOf(ceremonyKey.exported.spki).hex };
    },
    [admin, wit],
  );
  let root!: Awaited<ReturnType<typeof generate>>;
  await step(
    'root',
    'Generate the root key',
    async () => {
      await w.append('confirmation-typed', admin, { step: 'root', subject: 'generate the root key', phrase: 'GENERATE ROOT KEY' });
      root = await generate('root', `root-${ceremonyId}`);
      return { fingerprintWords: fingerprintOf(root.exported.spki).words.join(' ') };
    },
    [admin, wit],
  );
  await step(
    'export',
    'Export the root public key',
    async () => {
      const written = await writeFileAtomic(join(dir, 'root-public.pem'), root.exported.pem, { mode: 0o644 });
      await w.append('file-written', system, { path: 'root-public.pem', purpose: 'root public key (PEM)', sha256: written.sha256, bytes: written.size });
    },
    [admin, wit],
  );

  const ceremonySign = async (signs: { seq: number; hash: string }) => {
    const payload = signaturePayload(ceremonyId, signs.seq, signs.hash);
    const raw = await client.sign({ key: ceremonyKey.key.privateKey!.handle, mechanism: 'ecdsa-sha256', data: payload });
    return w.append('signature', system, {
      signs: signs.seq,
      entryHash: signs.hash,
      signer: { kind: 'ceremony-key', name: `ceremony-${ceremonyId}`, keyFingerprint: sha256Hex(ceremonyKey.exported.spki) },
      algorithm: 'ecdsa-p256-sha256',
      publicKeySpki: Buffer.from(ceremonyKey.exported.spki).toString('base64'),
      signature: Buffer.from(ecdsaRawToDer(raw)).toString('base64'),
    });
  };
  const witnessSign = async (signs: { seq: number; hash: string }) => {
    const signature = await witness.sign(signaturePayload(ceremonyId, signs.seq, signs.hash));
    return w.append('signature', wit, {
      signs: signs.seq,
      entryHash: signs.hash,
      signer: { kind: 'witness', name: witnessName, keyFingerprint: witness.fingerprint },
      algorithm: 'ed25519',
      publicKeySpki: Buffer.from(witness.publicKeySpki).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
    });
  };

  let checkpoint!: { seq: number; hash: string };
  await step('checkpoint', 'Checkpoint', async () => {
    const head = w.head!;
    const entry = await w.append('checkpoint', system, { upTo: head.seq, hash: head.hash });
    checkpoint = { seq: entry.entry.seq, hash: entry.hash };
    await ceremonySign(checkpoint);
  });
  await step('witnesses', 'Witnesses sign', async () => {
    await witnessSign(checkpoint);
  });

  let finalHash: string | null = null;
  if (!options.stopBeforeSeal) {
    index++;
    await w.append('step-started', admin, { step: 'seal', index, title: 'Seal the ceremony' });
    for (const a of [admin, wit]) await w.append('step-acknowledged', a, { step: 'seal', role: a.role as 'administrator', name: a.name });
    const head = w.head!;
    const seal = await w.append('seal', system, { upTo: head.seq, hash: head.hash });
    const target = { seq: seal.entry.seq, hash: seal.hash };
    const s1 = await ceremonySign(target);
    const s2 = await witnessSign(target);
    const sealed = await w.append('sealed', system, { seal: target.seq, sealHash: target.hash, signatures: [s1.entry.seq, s2.entry.seq] });
    finalHash = sealed.hash;
  }
  await w.close();

  return {
    dir,
    ceremonyId,
    scriptText: text,
    softhsm,
    client,
    slotId: slot.slotId,
    finalHash,
    witnessFingerprint: created.fingerprintHex,
    ceremonyKeySpki: ceremonyKey.exported.spki,
    userPin: USER_PIN,
    witnessPassphrase: WITNESS_PASSPHRASE,
  };
}
