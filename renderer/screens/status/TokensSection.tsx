// Every slot of the module with its token: identity, health, flags, memory, mechanisms.
import type { TokenFacts } from '../../../preload/contract';
import { Card, EmptyState } from '../../design';
import { TokenCard } from './TokenCard';

export function TokensSection({ tokens, moduleLoaded }: { tokens: TokenFacts[]; moduleLoaded: boolean }) {
  const ready = tokens.filter((t) => t.state === 'ready').length;
  return (
    <Card
      id="tokens"
      icon="token"
      title="Slots and tokens"
      subtitle={moduleLoaded ? `${tokens.length} slot${tokens.length === 1 ? '' : 's'}, ${ready} token${ready === 1 ? '' : 's'} ready.` : 'No module is loaded, so no slots can be listed.'}
    >
      {tokens.length === 0 ? (
        <EmptyState title={moduleLoaded ? 'The module reports no slots' : 'No slots to show'}>
          {moduleLoaded
            ? 'Connect the HSM or insert the token, then press Refresh status.'
            : 'Choose the HSM vendor’s PKCS#11 module above; its slots and tokens will be listed here.'}
        </EmptyState>
      ) : (
        <ul className="tokens__list">
          {tokens.map((slot) => (
            <li key={slot.slotId}>
              <TokenCard slot={slot} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
