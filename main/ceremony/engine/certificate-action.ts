// The self-signed-certificate step: the key signs its own CA certificate in the token; the
// certificate is checked (its public key is the key's, its signature verifies) before it
// is written once into the ceremony folder and recorded.
import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import type { KeyAttributes } from '../../../native/hsm/protocol';
import { writeFileAtomic } from '../../files/atomic-write';
import { fingerprintOf } from '../../quorum/fingerprint';
import type { JsonObject } from '../../transcript';
import type { KeyType, StepOf } from '../script';
import { assembleCertificate, buildTbs, certificatePem, schemeFor } from './certificate';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { findKey, publicKeyOf, recordedKey } from './key-actions';
import { recordFileWritten } from './files';

const DAY_MS = 24 * 60 * 60 * 1000;

function typeOf(a: KeyAttributes): KeyType | null {
  if (a.curve) return a.curve;
  if (a.keyType === 'rsa' && a.modulusBits === 3072) return 'rsa-3072';
  if (a.keyType === 'rsa' && a.modulusBits === 4096) return 'rsa-4096';
  return null;
}

function checkCertificate(pem: string, spki: Uint8Array): X509Certificate {
  const cert = new X509Certificate(pem);
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const certSpki = cert.publicKey.export({ format: 'der', type: 'spki' });
  if (!Buffer.from(spki).equals(certSpki)) throw engineError('CERTIFICATE_KEY_MISMATCH', 'The certificate does not carry the public key of the key that signed it.', 'Record an exception; do not use this certificate.');
  if (!cert.verify(key)) throw engineError('CERTIFICATE_SIGNATURE_INVALID', "The certificate's self-signature does not verify.", 'Record an exception; do not use this certificate.');
  return cert;
}

export async function selfSignedCertificate(ctx: ActionContext, step: StepOf<'self-signed-certificate'>): Promise<JsonObject> {
  const { label, subject, validityDays, file } = step.params;
  const key = await findKey(ctx, label);
  if (!key) throw engineError('KEY_MISSING', `There is no key labelled "${label}" on the token.`, 'Generate it first, or record an exception.');
  const type = (recordedKey(ctx, label)?.algorithm as KeyType | undefined) ?? typeOf(key.attributes);
  const scheme = type ? schemeFor(type) : null;
  if (!scheme) throw engineError('KEY_CANNOT_CERTIFY', `The key "${label}" is not a signing key pair Conclave can certify.`, 'Certify an EC, Ed25519 or RSA signing key.');
  const spki = await publicKeyOf(ctx, label, key.attributes.id);
  const path = join(ctx.deps.dir, file);
  let pem: string;
  if (existsSync(path)) {
    // Written by an attempt that died before recording it: kept only if it is this key's certificate.
    pem = readFileSync(path, 'utf8');
    checkCertificate(pem, spki);
  } else {
    const now = new Date(Math.floor((ctx.deps.now ?? (() => new Date()))().getTime() / 1000) * 1000);
    const { tbs } = buildTbs({ subject, spki, notBefore: now, notAfter: new Date(now.getTime() + validityDays * DAY_MS), scheme });
    const raw = await ctx.deps.hsm.sign({ key: key.handle, mechanism: scheme.mechanism, data: tbs });
    const der = assembleCertificate(tbs, scheme, scheme.rawEcdsa ? ecdsaRawToDer(raw) : raw);
    pem = certificatePem(der);
    checkCertificate(pem, spki);
    await writeFileAtomic(path, pem, { mode: 0o644 });
  }
  const cert = checkCertificate(pem, spki);
  const written = await recordFileWritten(ctx, path, `self-signed certificate of ${label}`);
  const fp = fingerprintOf(Uint8Array.from(cert.raw));
  return {
    label,
    file,
    subject: cert.subject.replace(/\n/g, ', ').slice(0, 512),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    sha256: written.sha256,
    certificateFingerprint: { hex: fp.hex, words: [...fp.words] },
  };
}
