// Every key this ceremony generated (or adopted after a restart), with the fingerprint of
// its public key as hex and words, so anyone in the room can compare it at any time.
import type { CeremonyView } from '../../../preload/contract';
import { Card, Fingerprint } from '../../design';

export function KeysPanel({ view }: { view: CeremonyView }) {
  if (view.keys.length === 0) return null;
  return (
    <Card title="Keys of this ceremony" icon="token" subtitle="Generated inside the token; private and secret keys never leave it." className="keys-panel">
      <ul className="keys-panel__list" data-testid="ceremony-keys">
        {view.keys.map((key) => (
          <li key={key.label} className="keys-panel__item">
            {key.fingerprint ? (
              <Fingerprint label={`${key.label} (${key.algorithm}, ${key.purpose}${key.adopted ? ', adopted after a restart' : ''}): public key SHA-256`} hex={key.fingerprint.hex} words={key.fingerprint.words} />
            ) : (
              <p>
                <strong>{key.label}</strong> ({key.algorithm}, {key.purpose}): a secret key, with no public key to compare.
              </p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
