// Every custodian's state at a glance: sealed, saved, proven, and failed attempts to open
// their envelope. Each entry opens that custodian's card.
import type { QuorumSetupView } from '../../../../preload/contract';
import { StatusBadge, cx, type Tone } from '../../../design';
import { useQuorumSetup } from '../../../stores/quorum-context';
import { failedProofsOf } from '../../../stores/quorum-setup-store';

type SetupCustodian = QuorumSetupView['custodians'][number];

export function custodianStage(c: SetupCustodian): { tone: Tone; label: string } {
  if (c.proven) return { tone: 'pass', label: 'Receipt proven' };
  if (c.savedTo) return { tone: 'info', label: 'Saved, to prove' };
  if (c.sealed) return { tone: 'info', label: 'Sealed, to save' };
  return { tone: 'unknown', label: 'Waiting' };
}

export function CustodianProgress({ view, selected, onSelect }: { view: QuorumSetupView; selected: number; onSelect: (index: number) => void }) {
  const wrongProofs = useQuorumSetup((s) => s.wrongProofs);
  const proven = view.custodians.filter((c) => c.proven).length;
  return (
    <nav className="custodians" aria-label="Custodians">
      <h2 className="custodians__title">Custodians</h2>
      <p className="custodians__count" data-testid="proven-count">
        {proven} of {view.total} proven
      </p>
      <ol className="custodians__list">
        {view.custodians.map((c) => {
          const stage = custodianStage(c);
          const current = c.index === selected;
          const failed = failedProofsOf({ view, wrongProofs }, c.index);
          return (
            <li key={c.index}>
              <button
                type="button"
                className={cx('custodians__item', current && 'custodians__item--current', c.proven && 'custodians__item--done')}
                aria-current={current ? 'step' : undefined}
                onClick={() => onSelect(c.index)}
                data-testid={`custodian-progress-${c.index}`}
                data-stage={c.proven ? 'proven' : c.savedTo ? 'saved' : c.sealed ? 'sealed' : 'waiting'}
              >
                <span className="custodians__name">
                  <span className="custodians__index">{c.index}.</span> {c.name}
                  {c.group ? <span className="custodians__group"> ({c.group})</span> : null}
                </span>
                <StatusBadge tone={stage.tone} label={stage.label} />
                {failed > 0 ? (
                  <span className="custodians__failed" data-testid={`custodian-failed-${c.index}`}>
                    {failed} wrong passphrase{failed === 1 ? '' : 's'}
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
