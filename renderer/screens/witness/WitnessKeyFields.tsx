// One witness's key for a signature: the choice between their Ed25519 key file (with its
// passphrase) and a key on their own PKCS#11 token (its library, the token's label, the
// key's label and the PIN). The choice starts at what the script lists for the witness;
// the token label too, when the script names one. The PIN is a password field whose
// value lives only until Sign is pressed.
import type { WitnessRequest } from '../../../preload/contract';
import { TextField } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

type Signer = WitnessRequest['signers'][number];
export type WitnessKeyKind = 'file' | 'token';

export interface WitnessEntry {
  kind: WitnessKeyKind;
  keyFile: string;
  passphrase: string;
  module: string;
  tokenLabel: string;
  keyLabel: string;
  pin: string;
}

export const signerKind = (signer: Signer): WitnessKeyKind => (signer.keyKind === 'pkcs11' ? 'token' : 'file');

export const emptyWitnessEntry = (signer: Signer): WitnessEntry => ({
  kind: signerKind(signer),
  keyFile: '',
  passphrase: '',
  module: '',
  tokenLabel: signer.tokenLabel ?? '',
  keyLabel: '',
  pin: '',
});

function ModuleChoices({ position, onChoose }: { position: number; onChoose: (path: string) => void }) {
  const candidates = useCeremony((s) => s.moduleCandidates);
  if (candidates.length === 0) return null;
  return (
    <div className="field">
      <label className="field__label" htmlFor={`witness-module-choice-${position}`}>
        PKCS#11 libraries found on this machine
      </label>
      <select
        id={`witness-module-choice-${position}`}
        className="field__input"
        value=""
        onChange={(e) => {
          if (e.target.value) onChoose(e.target.value);
        }}
        data-testid={`witness-module-choice-${position}`}
      >
        <option value="">Choose one to fill in the library…</option>
        {candidates.map((c) => (
          <option key={c.path} value={c.path}>
            {c.vendor}: {c.path}
          </option>
        ))}
      </select>
    </div>
  );
}

export function WitnessKeyFields({ signer, position, entry, onChange }: { signer: Signer; position: number; entry: WitnessEntry; onChange: (change: Partial<WitnessEntry>) => void }) {
  const listed = signerKind(signer);
  return (
    <fieldset className="witness-sign__signer" data-testid={`witness-signer-fields-${position}`}>
      <legend className="custodian-inputs__name">{signer.name}</legend>
      <div className="witness-sign__kinds" role="radiogroup" aria-label={`How ${signer.name} signs`}>
        {(['file', 'token'] as const).map((kind) => (
          <label key={kind} className="choice">
            <input type="radio" name={`witness-kind-${position}`} value={kind} checked={entry.kind === kind} onChange={() => onChange({ kind })} data-testid={`witness-kind-${kind}-${position}`} />
            <span>
              {kind === 'file' ? 'Key file (Ed25519, with its passphrase)' : 'Token (their own PKCS#11 smartcard or token, with its PIN)'}
              {kind === listed ? ' — as the script lists' : ''}
            </span>
          </label>
        ))}
      </div>
      {entry.kind !== listed ? (
        <p className="field__error" data-testid={`witness-kind-mismatch-${position}`}>
          The script lists {listed === 'token' ? `a key on ${signer.name}'s own token` : `a key file for ${signer.name}`} (key {signer.keyFingerprint.slice(0, 16)}…); only that key can sign for {signer.name}.
        </p>
      ) : null}
      {entry.kind === 'file' ? (
        <>
          <TextField label={`Key file of ${signer.name}`} value={entry.keyFile} onChange={(e) => onChange({ keyFile: e.target.value })} spellCheck={false} data-testid={`witness-key-file-${position}`} />
          <TextField
            label={`Passphrase of ${signer.name}'s key`}
            type="password"
            value={entry.passphrase}
            onChange={(e) => onChange({ passphrase: e.target.value })}
            autoComplete="off"
            spellCheck={false}
            data-testid={`witness-passphrase-${position}`}
          />
        </>
      ) : (
        <>
          <ModuleChoices position={position} onChoose={(module) => onChange({ module })} />
          <TextField
            label={`PKCS#11 library of ${signer.name}'s token`}
            hint="The full path of the token's library, e.g. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so. Conclave opens it in a worker of its own, never in the ceremony HSM's."
            value={entry.module}
            onChange={(e) => onChange({ module: e.target.value })}
            spellCheck={false}
            data-testid={`witness-module-${position}`}
          />
          <TextField
            label="Token label"
            hint={signer.tokenLabel ? 'As the script lists it.' : 'As the token reports it (pkcs11-tool --list-slots shows it).'}
            value={entry.tokenLabel}
            onChange={(e) => onChange({ tokenLabel: e.target.value })}
            spellCheck={false}
            maxLength={32}
            data-testid={`witness-token-label-${position}`}
          />
          <TextField label="Key label" hint="The label of the EC P-256 key pair on the token." value={entry.keyLabel} onChange={(e) => onChange({ keyLabel: e.target.value })} spellCheck={false} maxLength={128} data-testid={`witness-key-label-${position}`} />
          <TextField
            label={`PIN of ${signer.name}'s token`}
            hint="Sent once with the signature and overwritten after it; a refused PIN is never tried again by itself."
            type="password"
            value={entry.pin}
            onChange={(e) => onChange({ pin: e.target.value })}
            autoComplete="off"
            spellCheck={false}
            data-testid={`witness-pin-${position}`}
          />
        </>
      )}
    </fieldset>
  );
}
