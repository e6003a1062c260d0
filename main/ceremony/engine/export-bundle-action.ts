// The export step: a key on the token wrapped for one recipient inside the token, in a
// bundle signed by the root signing key inside the token (docs/bundle.md), written to
// bundles/ and as QR frames to qr/, every file recorded with its SHA-256, and copied to a
// removable medium when the people in the room name one.
//
// Crash safety: the bundle file is the step's one irreversible output. An attempt that
// died after writing it is adopted (checked: this key, this recipient, this ceremony,
// signed by this root) instead of wrapping again; the QR folder is written under a
// temporary name and renamed only when complete, so a partial one is never mistaken
// for output.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeySpecType } from '../../../native/hsm/protocol';
import { bundleFileName, bundleSummary, issuerOf, parseBundle, signBundle, verifyBundle, type BundleManifest, type ParsedBundle } from '../../bundle/format';
import { writeToMedium } from '../../bundle/media';
import { recipientRecordFor, spkiFromInput, spkiFingerprint, wrapForRecipient, type RecipientKey } from '../../bundle/wrap';
import { writeFileAtomic } from '../../files/atomic-write';
import { writeQrFolder } from '../../qr';
import type { JsonObject } from '../../transcript';
import type { StepOf } from '../script';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { recordFileWritten } from './files';
import { findKey, publicKeyOf, recordedKey } from './key-actions';

export const BUNDLES_FOLDER = 'bundles';
export const QR_FOLDER = 'qr';
const DAY_MS = 24 * 60 * 60 * 1000;

type ExportStep = StepOf<'export-bundle'>;

function recipientKeyOf(step: ExportStep): RecipientKey {
  const r = step.params.recipient;
  const what = `The public key of the recipient "${r.name}" in step "${step.id}"`;
  switch (r.kind) {
    case 'rsa':
    case 'ec':
      return { kind: r.kind, name: r.name, spki: spkiFromInput(r.publicKey!, what) };
    case 'transport-kek':
      return { kind: 'transport-kek', name: r.name, kekLabel: r.kekLabel! };
    case 'aws-kms':
      return {
        kind: 'aws-kms',
        name: r.name,
        spki: spkiFromInput(r.publicKey!, what),
        wrappingAlgorithm: r.awsKms!.wrappingAlgorithm,
        importToken: new Uint8Array(Buffer.from(r.awsKms!.importToken, 'base64')),
        ...(r.awsKms!.keyId ? { keyId: r.awsKms!.keyId } : {}),
      };
  }
}

/** The algorithm of the key to export: as generated in this ceremony, or as the step states for an existing key. */
function algorithmOf(ctx: ActionContext, step: ExportStep): KeySpecType {
  const recorded = recordedKey(ctx, step.params.label);
  if (recorded) return recorded.algorithm as KeySpecType;
  if (step.params.type) return step.params.type;
  throw engineError('KEY_TYPE_UNKNOWN', `The step "${step.id}" exports "${step.params.label}", which this ceremony did not generate, and does not say its type.`, 'Add "type" to the step\'s params.');
}

/** The bundle's file name, known before wrapping (a resumed attempt looks for it). */
function fileNameFor(ctx: ActionContext, step: ExportStep): string {
  return bundleFileName({ key: { label: step.params.label, version: step.params.version }, recipient: { name: step.params.recipient.name }, rehearsal: ctx.script.ceremony.rehearsal });
}

/** A bundle an interrupted attempt wrote: adopted only if it is exactly what this step makes. */
function adoptable(ctx: ActionContext, step: ExportStep, path: string, rootSpki: Uint8Array, keyId: string, recipientFingerprint: string | null): ParsedBundle {
  const refuse = (why: string) =>
    engineError('FILE_EXISTS', `${path} exists and is not this step's bundle (${why}).`, 'Move the file out of the ceremony folder and retry the step; nothing was overwritten.');
  let verified;
  try {
    verified = verifyBundle(readFileSync(path), { rootPublicKeySpki: rootSpki, now: ctx.deps.now?.() ?? new Date(), allowRehearsal: true });
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : 'it does not verify');
  }
  const m = verified.manifest;
  if (m.ceremonyId !== ctx.script.ceremony.id) throw refuse(`it belongs to ceremony ${m.ceremonyId}`);
  if (m.key.id !== keyId || m.key.label !== step.params.label) throw refuse('it holds another key');
  if (recipientFingerprint !== null && m.recipient.keyFingerprint !== recipientFingerprint) throw refuse('it is for another recipient key');
  if (m.recipient.name !== step.params.recipient.name) throw refuse('it is for another recipient');
  return parseBundle(verified.bytes);
}

async function writeQr(ctx: ActionContext, name: string, bundle: ParsedBundle): Promise<string> {
  const rel = `${QR_FOLDER}/${name}`;
  const final = join(ctx.deps.dir, rel);
  if (!existsSync(final)) {
    // Only this step ever writes the temporary folder; what an interrupted attempt left there is incomplete.
    const partial = join(ctx.deps.dir, QR_FOLDER, `.${name}.partial`);
    rmSync(partial, { recursive: true, force: true });
    await mkdir(join(ctx.deps.dir, QR_FOLDER), { recursive: true });
    await writeQrFolder(partial, bundle.bytes, { label: `${ctx.script.ceremony.id} — ${bundle.manifest.key.label} v${bundle.manifest.key.version} for ${bundle.manifest.recipient.name}`, rehearsal: bundle.manifest.rehearsal });
    renameSync(partial, final);
  }
  return rel;
}

function medium(ctx: ActionContext, step: ExportStep) {
  return ctx.deps.inputs.exportMedium?.(step.id) ?? null;
}

/**
 * Copies the bundle to the medium the people in the room named: removable unless they
 * confirmed a fixed disk by typing its folder, on the step's allow-list when it has one,
 * read back and recorded as media-written.
 */
async function copyToMedium(ctx: ActionContext, step: ExportStep, name: string, bundle: ParsedBundle): Promise<JsonObject> {
  const target = medium(ctx, step)!;
  const already = ctx.attempt().find((e) => e.entry.type === 'media-written' && e.entry.data.sha256 === bundle.sha256);
  if (already && already.entry.type === 'media-written') return { path: already.entry.data.path, medium: already.entry.data.medium, sha256: bundle.sha256 };
  const confirmed = target.nonRemovableConfirmation !== null;
  if (confirmed && target.nonRemovableConfirmation !== target.directory) {
    throw engineError('CONFIRMATION_MISMATCH', `Writing ${name} to a fixed disk needs its folder typed exactly as confirmation.`, `Type "${target.directory}" to confirm, or choose a removable medium.`);
  }
  const written = await writeToMedium(target.directory, name, bundle.bytes, {
    confirmNonRemovable: confirmed,
    allowList: step.params.mediaAllowList ?? null,
    ...(ctx.deps.mediaProbe ? { probe: ctx.deps.mediaProbe } : {}),
  });
  if (confirmed && !written.medium.removable) {
    await ctx.writer.append('confirmation-typed', ctx.admin, { step: null, subject: `step ${step.id}: write ${name} to ${target.directory}, which is not a removable medium`.slice(0, 512), phrase: target.directory.slice(0, 256) });
  }
  await ctx.writer.append('media-written', ctx.admin, written.entry);
  return { path: written.path, medium: written.entry.medium, sha256: written.sha256 };
}

export async function exportBundle(ctx: ActionContext, step: ExportStep): Promise<JsonObject> {
  const p = step.params;
  const slotId = await ctx.slotId();
  const key = await findKey(ctx, p.label);
  if (!key) throw engineError('KEY_MISSING', `There is no key labelled "${p.label}" on the token.`, 'Generate it first, or record an exception.');
  const algorithm = algorithmOf(ctx, step);
  const signer = await findKey(ctx, p.signingKey);
  if (!signer) throw engineError('KEY_MISSING', `There is no signing key labelled "${p.signingKey}" on the token.`, 'Generate the root signing key first, or correct signingKey in the script.');
  const rootSpki = await publicKeyOf(ctx, p.signingKey, signer.attributes.id);
  const recipient = recipientKeyOf(step);
  const recipientFingerprint = recipient.kind === 'transport-kek' ? null : spkiFingerprint(recipient.spki);

  const name = fileNameFor(ctx, step);
  const rel = `${BUNDLES_FOLDER}/${name}`;
  const path = join(ctx.deps.dir, rel);
  let bundle: ParsedBundle;
  let adopted = false;
  if (existsSync(path)) {
    bundle = adoptable(ctx, step, path, rootSpki, key.attributes.id, recipientFingerprint);
    adopted = true;
  } else {
    const wrap = await wrapForRecipient(ctx.deps.hsm, slotId, key.handle, algorithm, recipient, {
      allowOaepSha1: p.allowOaepSha1,
      allowZeroPaddedKwp: p.allowZeroPaddedKwp,
    });
    const head = ctx.writer.entries[ctx.writer.entries.length - 1]!;
    const exportedAt = ctx.deps.now?.() ?? new Date();
    let publicKeyFingerprint: string | null = null;
    if (algorithm !== 'aes-256') publicKeyFingerprint = spkiFingerprint(await publicKeyOf(ctx, p.label, key.attributes.id));
    const manifest: BundleManifest = {
      ceremonyId: ctx.script.ceremony.id,
      transcriptHead: { seq: head.entry.seq, hash: head.hash },
      exportedAt: exportedAt.toISOString(),
      expiresAt: new Date(exportedAt.getTime() + p.validityDays * DAY_MS).toISOString(),
      rehearsal: ctx.script.ceremony.rehearsal,
      issuer: issuerOf(rootSpki),
      recipient: recipientRecordFor(recipient, wrap),
      key: { id: key.attributes.id, label: p.label, algorithm, usage: p.usage, version: p.version, publicKeyFingerprint },
      wrap,
    };
    const bytes = await signBundle(ctx.deps.hsm, signer.handle, manifest);
    await mkdir(join(ctx.deps.dir, BUNDLES_FOLDER), { recursive: true });
    await writeFileAtomic(path, bytes, { mode: 0o644 });
    ctx.deps.afterEntry?.(step.id, 'files-written');
    bundle = parseBundle(bytes);
  }
  await recordFileWritten(ctx, path, `key bundle: ${p.label} v${p.version} for ${p.recipient.name}`);

  const files: string[] = [rel];
  if (p.qr) {
    const qrRel = await writeQr(ctx, name.replace(/\.bundle\.json$/, ''), bundle);
    const qrDir = join(ctx.deps.dir, qrRel);
    for (const file of readdirSync(qrDir).sort()) {
      await recordFileWritten(ctx, join(qrDir, file), `QR ${file.endsWith('.pdf') ? 'sheet' : 'frame'} of ${name}`);
    }
    files.push(`${qrRel}/`);
  }

  const media = medium(ctx, step) ? [await copyToMedium(ctx, step, name, bundle)] : [];
  return { ...bundleSummary(bundle), file: rel, files, adopted, media };
}
