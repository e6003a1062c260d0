// Before the custodians come forward: the policy, the token whose PINs the quorum will
// guard, where the public record goes, and (for a token already in use) its current PINs.
// Everything is checked here first; the PINs leave React state the moment they are sent.
import { useState, type FormEvent } from 'react';
import type { TokenFacts } from '../../../../preload/contract';
import { Banner, Button, Card, ErrorBanner, TextField } from '../../../design';
import { slotTitle, tokenStateView } from '../../../format';
import { useQuorumSetup } from '../../../stores/quorum-context';
import { useStatus } from '../../../stores/status-context';
import { isAbsolutePath } from '../shared/envelope-source';
import { SlotSelect } from '../shared/SlotSelect';
import { PolicyEditor } from './PolicyEditor';
import { checkPolicyDraft, hasErrors, initialDraft, type PolicyDraft } from './policy-draft';

const CEREMONY_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** The label main gives the rehearsal token (main/hsm/rehearsal-token.ts). */
const REHEARSAL_TOKEN_LABEL = 'CONCLAVE REHEARSAL';

interface FormProblems {
  slot: string | null;
  output: string | null;
  ceremony: string | null;
  label: string | null;
  soPin: string | null;
  userPin: string | null;
}

const noProblems: FormProblems = { slot: null, output: null, ceremony: null, label: null, soPin: null, userPin: null };

/** Slots a quorum can be set up on: a token is present and it is not locked. */
export function usableSlots(tokens: TokenFacts[]): TokenFacts[] {
  return tokens.filter((t) => t.tokenPresent && t.token !== null);
}

export function SetupStartForm() {
  const tokens = useStatus((s) => s.snapshot?.tokens);
  const rehearsal = useStatus((s) => s.snapshot?.rehearsal.active ?? false);
  const begin = useQuorumSetup((s) => s.begin);
  const beginning = useQuorumSetup((s) => s.pending.begin);
  const failure = useQuorumSetup((s) => s.failure);
  const dismissFailure = useQuorumSetup((s) => s.dismissFailure);
  const calibrate = useQuorumSetup((s) => s.calibrate);
  const calibration = useQuorumSetup((s) => s.calibration);
  const calibrating = useQuorumSetup((s) => s.pending.calibrate);

  const [draft, setDraft] = useState<PolicyDraft>(initialDraft);
  const [slotId, setSlotId] = useState('');
  const [outputDirectory, setOutputDirectory] = useState('');
  const [ceremonyId, setCeremonyId] = useState('');
  const [tokenLabel, setTokenLabel] = useState('');
  // The current PINs of an initialized token: typed once, sent, and cleared at once.
  const [soPin, setSoPin] = useState('');
  const [userPin, setUserPin] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [problems, setProblems] = useState<FormProblems>(noProblems);

  const slots = usableSlots(tokens ?? []);
  const slot = slots.find((s) => s.slotId === slotId) ?? null;
  const uninitialized = slot?.state === 'uninitialized';
  // The throwaway rehearsal token's PINs are kept by Conclave itself (in rehearsal only).
  const pinsOptional = rehearsal && slot?.token?.label.trim() === REHEARSAL_TOKEN_LABEL;
  const checked = checkPolicyDraft(draft);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    const found: FormProblems = {
      slot: slot ? null : 'Choose the token whose PINs the quorum will guard.',
      output: !outputDirectory.trim()
        ? 'Type the folder where the quorum record is written.'
        : isAbsolutePath(outputDirectory.trim())
          ? null
          : `"${outputDirectory.trim()}" is not a full path. Type it from the root, for example /media/ceremony/RECORDS.`,
      ceremony: ceremonyId.trim() && !CEREMONY_ID.test(ceremonyId.trim()) ? 'Use only letters, digits, dots, dashes and underscores (at most 128).' : null,
      label: slot && uninitialized ? (!tokenLabel.trim() ? 'Type a label for the new token (at most 32 characters).' : tokenLabel.trim().length > 32 ? `The label is ${tokenLabel.trim().length} characters; at most 32 fit.` : null) : null,
      soPin: slot && !uninitialized && !pinsOptional && !soPin ? 'Type the token’s current SO PIN. The quorum replaces it with a random one.' : null,
      userPin: slot && !uninitialized && !pinsOptional && !userPin ? 'Type the token’s current user PIN. The quorum replaces it with a random one.' : null,
    };
    setProblems(found);
    if (!checked.policy || hasErrors(checked.errors) || Object.values(found).some((p) => p !== null) || !slot) return;
    const request = {
      slotId: slot.slotId,
      policy: checked.policy,
      outputDirectory: outputDirectory.trim(),
      ...(ceremonyId.trim() ? { ceremonyId: ceremonyId.trim() } : {}),
      ...(uninitialized ? { tokenLabel: tokenLabel.trim() } : {}),
    };
    const pins = uninitialized || (pinsOptional && !soPin && !userPin) ? undefined : { soPin, userPin };
    setSoPin('');
    setUserPin('');
    await begin(request, pins);
  };

  const beginFailure = failure && failure.operation === 'begin' ? failure : null;
  const calibrateFailure = failure && failure.operation === 'calibrate' ? failure : null;

  return (
    <form className="setup-start" onSubmit={(e) => void submit(e)} noValidate data-testid="setup-start">
      <Card title="1. Who holds the shares" icon="people" subtitle="Name every custodian and say how many must be present to unlock the HSM.">
        <PolicyEditor draft={draft} onChange={setDraft} checked={checked} showErrors={attempted} disabled={beginning} />
      </Card>

      <Card title="2. The token and the record" icon="token" subtitle="The token’s user PIN and SO PIN are replaced by random values that only the quorum can rebuild.">
        <div className="setup-start__fields">
          <SlotSelect slots={slots} value={slotId} onChange={setSlotId} error={problems.slot} testId="setup-slot" disabled={beginning} />
          {slot ? (
            <p className="setup-start__slot-state" data-testid="setup-slot-state">
              {slotTitle(slot)}: {tokenStateView[slot.state].label}. {slot.stateDetail}
            </p>
          ) : null}
          {slot && uninitialized ? (
            <TextField
              label="Label for the new token"
              hint="The token is uninitialized; setup initializes it with this label."
              value={tokenLabel}
              onChange={(e) => setTokenLabel(e.target.value)}
              error={problems.label}
              maxLength={32}
              autoComplete="off"
              spellCheck={false}
              disabled={beginning}
              data-testid="setup-token-label"
            />
          ) : null}
          {slot && !uninitialized ? (
            <div className="setup-start__pins">
              <TextField
                label="Current SO PIN"
                type="password"
                value={soPin}
                onChange={(e) => setSoPin(e.target.value)}
                error={problems.soPin}
                autoComplete="off"
                spellCheck={false}
                disabled={beginning}
                data-testid="setup-so-pin"
              />
              <TextField
                label="Current user PIN"
                type="password"
                value={userPin}
                onChange={(e) => setUserPin(e.target.value)}
                error={problems.userPin}
                autoComplete="off"
                spellCheck={false}
                disabled={beginning}
                data-testid="setup-user-pin"
              />
              <p className="field__hint setup-start__pins-note">
                {pinsOptional
                  ? 'This is the throwaway rehearsal token: Conclave knows its PINs, so both fields may stay empty.'
                  : 'Typed once and sent to the HSM. They are not kept on this screen, shown, or written anywhere.'}
              </p>
            </div>
          ) : null}
          <TextField
            label="Folder for the quorum record"
            hint="The public record (policy, commitments, envelope fingerprints) is written here. It holds no share, passphrase or PIN."
            value={outputDirectory}
            onChange={(e) => setOutputDirectory(e.target.value)}
            error={problems.output}
            autoComplete="off"
            spellCheck={false}
            disabled={beginning}
            data-testid="setup-output"
          />
          <TextField
            label="Ceremony name (optional)"
            hint="Letters, digits, dots, dashes and underscores. Left empty, one is made from the date."
            value={ceremonyId}
            onChange={(e) => setCeremonyId(e.target.value)}
            error={problems.ceremony}
            autoComplete="off"
            spellCheck={false}
            disabled={beginning}
            data-testid="setup-ceremony"
          />
        </div>
        <div className="setup-start__kdf">
          <p>
            Each passphrase is hardened with Argon2id, tuned to about one second of work on this machine.
            {calibration ? (
              <>
                {' '}
                Measured: <strong data-testid="calibration">{(calibration.milliseconds / 1000).toFixed(1)} s</strong> with {Math.round(calibration.kdf.memoryKiB / 1024)} MiB, {calibration.kdf.iterations}{' '}
                passes, {calibration.kdf.parallelism} lanes.
              </>
            ) : null}
          </p>
          <Button variant="quiet" onClick={() => void calibrate()} busy={calibrating} busyLabel="Measuring">
            {calibration ? 'Measure again' : 'Measure on this machine'}
          </Button>
        </div>
        {calibrateFailure ? <ErrorBanner title="The measurement failed" error={calibrateFailure.error} actions={<Button variant="quiet" onClick={dismissFailure}>Dismiss</Button>} /> : null}
      </Card>

      {attempted && !checked.policy ? (
        <Banner tone="warn" title="The policy needs attention before setup can begin">
          <p>The messages beside the fields above say what to change.</p>
        </Banner>
      ) : null}
      {beginFailure ? <ErrorBanner title="Setup could not begin" error={beginFailure.error} /> : null}

      <div className="setup-start__actions">
        <Button type="submit" variant="primary" busy={beginning} busyLabel="Preparing the token" data-testid="setup-begin">
          Begin setup: {checked.summary}
        </Button>
      </div>
    </form>
  );
}
