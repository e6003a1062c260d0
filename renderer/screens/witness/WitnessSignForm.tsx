// Each witness asked to sign gives their key: a key file and its passphrase, or their own
// PKCS#11 token (its library, token and key labels, and PIN). Signing is possible only
// after they confirm they read the entries shown, and it signs exactly what they read:
// the hash they reviewed goes with the request, and main refuses it if the transcript
// has moved on since. Passphrases and PINs leave this form's state when Sign is pressed;
// they go with that one request and are kept nowhere else.
import { useEffect, useState, type FormEvent } from 'react';
import type { WitnessRequest, WitnessSignerInput } from '../../../preload/contract';
import { Button, ErrorBanner } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { emptyWitnessEntry, signerKind, WitnessKeyFields, type WitnessEntry } from './WitnessKeyFields';

type Signer = WitnessRequest['signers'][number];

/** What is missing or wrong in one witness's entry, in words; null when it can be sent. */
function entryProblem(signer: Signer, e: WitnessEntry): string | null {
  if (e.kind !== signerKind(signer)) {
    return signerKind(signer) === 'token'
      ? `the script lists a key on ${signer.name}'s own token: choose "Token"`
      : `the script lists a key file for ${signer.name}: choose "Key file"`;
  }
  if (e.kind === 'file') return e.keyFile.startsWith('/') && e.passphrase ? null : `${signer.name}: the key file (a full path) and its passphrase`;
  if (!e.module.startsWith('/')) return `${signer.name}: the token's PKCS#11 library (a full path)`;
  if (!e.tokenLabel || !e.keyLabel || !e.pin) return `${signer.name}: the token label, the key label and the PIN`;
  return null;
}

function toInput(signer: Signer, e: WitnessEntry): WitnessSignerInput {
  return e.kind === 'file'
    ? { name: signer.name, keyFile: e.keyFile, passphrase: e.passphrase }
    : { name: signer.name, token: { module: e.module, tokenLabel: e.tokenLabel, keyLabel: e.keyLabel, pin: e.pin } };
}

export function WitnessSignForm({ request, reviewedHash, entriesShown }: { request: WitnessRequest; reviewedHash: string; entriesShown: boolean }) {
  const sign = useCeremony((s) => s.sign);
  const pending = useCeremony((s) => s.pending);
  const failure = useCeremony((s) => s.failure);
  const loadModuleCandidates = useCeremony((s) => s.loadModuleCandidates);
  const signers = request.signers.filter((s) => !s.signed);
  const [entries, setEntries] = useState<Record<string, WitnessEntry>>(() => Object.fromEntries(signers.map((s) => [s.name, emptyWitnessEntry(s)])));
  const [reviewed, setReviewed] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const anyToken = signers.some((s) => entries[s.name]?.kind === 'token');
  const update = (signer: Signer, change: Partial<WitnessEntry>) => setEntries((all) => ({ ...all, [signer.name]: { ...(all[signer.name] ?? emptyWitnessEntry(signer)), ...change } }));

  useEffect(() => {
    if (anyToken) void loadModuleCandidates();
  }, [anyToken, loadModuleCandidates]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reviewed) return setProblem('Read the entries first, then confirm that you did.');
    const problems = signers.map((s) => entryProblem(s, entries[s.name] ?? emptyWitnessEntry(s))).filter((p): p is string => p !== null);
    if (problems.length > 0) return setProblem(`Still needed: ${problems.join('; ')}.`);
    setProblem(null);
    const witnesses = signers.map((s) => toInput(s, entries[s.name]!));
    // The secrets leave this form's state before the request is even sent.
    setEntries((all) => Object.fromEntries(Object.entries(all).map(([name, e]) => [name, { ...e, passphrase: '', pin: '' }])));
    await sign(request.step, reviewedHash, witnesses);
  };

  const what = request.kind === 'seal' ? 'the seal' : `the checkpoint (entry ${request.targetSeq ?? ''})`;
  return (
    <form className="witness-sign" onSubmit={(e) => void submit(e)} noValidate data-testid="witness-sign-form">
      <label className="choice witness-sign__reviewed">
        <input type="checkbox" checked={reviewed} onChange={(e) => setReviewed(e.target.checked)} disabled={!entriesShown} data-testid="witness-reviewed" />
        <span>
          I read entries 0 to {request.targetSeq ?? request.upTo} and they record what happened in the room. I sign {what}.
        </span>
      </label>
      {signers.map((signer, i) => (
        <WitnessKeyFields key={signer.name} signer={signer} position={i + 1} entry={entries[signer.name] ?? emptyWitnessEntry(signer)} onChange={(change) => update(signer, change)} />
      ))}
      {problem ? (
        <p className="field__error" role="alert" data-testid="witness-problem">
          {problem}
        </p>
      ) : null}
      {failure && (failure.operation === 'sign' || failure.operation === 'review') ? <ErrorBanner title="Signing did not happen" error={failure.error} /> : null}
      <div className="step__actions">
        <Button type="submit" variant="primary" icon="lock" busy={pending === 'sign'} busyLabel="Signing" disabled={!request.ready || (pending !== null && pending !== 'sign')} data-testid="witness-sign">
          Sign {what}
        </Button>
      </div>
    </form>
  );
}
