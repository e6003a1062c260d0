// Performing the current step, with what the people in the room supply for it: nothing,
// the administrator's confirmation of the clock, custodians' passphrases, the backup
// folder and the presenting custodians of a restore, the medium an export copies its
// bundle to, or (for the signing steps) the witnesses, who sign on their own screen after
// reviewing.
import { useState } from 'react';
import type { CeremonyStepCard } from '../../../preload/contract';
import { Button, KeyValueList } from '../../design';
import { formatUtcTime } from '../../format';
import { useCeremony } from '../../stores/ceremony-context';
import { CustodianPassphrases } from './CustodianPassphrases';
import { ExportMediumForm } from './ExportInputs';
import { RestoreInputs } from './RestoreInputs';

function ClockConfirmation({ card }: { card: CeremonyStepCard }) {
  const perform = useCeremony((s) => s.perform);
  const pending = useCeremony((s) => s.pending);
  const [checked, setChecked] = useState(false);
  if (card.inputs.kind !== 'clock') return null;
  const { systemTime, timeZone, utcOffsetMinutes } = card.inputs;
  return (
    <div className="clock-confirm" data-testid="clock-confirm">
      <KeyValueList
        items={[
          { key: 'time', label: 'Workstation clock (UTC)', value: <time dateTime={systemTime}>{formatUtcTime(systemTime, true)}</time>, mono: true },
          { key: 'zone', label: 'System time zone', value: `${timeZone} (UTC${utcOffsetMinutes >= 0 ? '+' : '−'}${Math.abs(utcOffsetMinutes / 60)} h)` },
        ]}
      />
      <label className="choice">
        <input type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} data-testid="clock-confirmed" />
        <span>I compared this clock with an independent UTC time source, and it is right.</span>
      </label>
      <div className="step__actions">
        <Button variant="primary" disabled={!checked || (pending !== null && pending !== 'perform')} busy={pending === 'perform'} onClick={() => void perform(card.id, { clockConfirmed: true })} data-testid="perform-step">
          Confirm the clock
        </Button>
      </div>
    </div>
  );
}

export function PerformSection({ card, onOpenWitness }: { card: CeremonyStepCard; onOpenWitness: () => void }) {
  const perform = useCeremony((s) => s.perform);
  const pending = useCeremony((s) => s.pending);
  const inputs = card.inputs;
  let body;
  switch (inputs.kind) {
    case 'clock':
      body = <ClockConfirmation card={card} />;
      break;
    case 'custodian-passphrases':
      body = (
        <CustodianPassphrases
          key={`${card.id}-${inputs.purpose}`}
          inputs={inputs}
          submitLabel={inputs.purpose === 'setup' ? 'Seal the envelopes and set up the quorum' : inputs.purpose === 'backup' ? 'Back the key up: seal the envelopes' : 'Log in with these custodians'}
          busy={pending === 'perform'}
          disabled={pending !== null}
          onSubmit={(custodians, quorumRecordPath) => perform(card.id, { custodians, ...(quorumRecordPath ? { quorumRecordPath } : {}) })}
        />
      );
      break;
    case 'restore':
      body = <RestoreInputs key={card.id} card={card} inputs={inputs} />;
      break;
    case 'export-bundle':
      body = <ExportMediumForm key={card.id} card={card} />;
      break;
    case 'witness-signatures':
      body =
        inputs.pending.length > 0 ? (
          <div className="witness-handoff" data-testid="witness-handoff">
            <p className="step-card__note">
              The witnesses ({inputs.pending.join(', ')}) review the transcript and sign it themselves, each with their own key.
            </p>
            <div className="step__actions">
              <Button variant="primary" onClick={onOpenWitness} data-testid="open-witness-screen">
                Open the witness screen
              </Button>
            </div>
          </div>
        ) : (
          <div className="step__actions">
            <Button variant="primary" busy={pending === 'perform'} disabled={pending !== null && pending !== 'perform'} onClick={() => void perform(card.id)} data-testid="perform-step">
              Perform: {card.title}
            </Button>
          </div>
        );
      break;
    default:
      body = (
        <div className="step__actions">
          <Button variant="primary" busy={pending === 'perform'} busyLabel="Working: see the HSM activity" disabled={pending !== null && pending !== 'perform'} onClick={() => void perform(card.id)} data-testid="perform-step">
            Perform: {card.title}
          </Button>
        </div>
      );
  }
  return (
    <section className="step-card__section" aria-labelledby="perform-title" data-testid="perform-section">
      <h3 id="perform-title">Perform the step</h3>
      {body}
    </section>
  );
}
