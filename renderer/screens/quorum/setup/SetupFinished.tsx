// What a setup left behind: the record path and who holds which envelope (complete), or
// why it stopped (failed, cancelled), and the way to start another.
import type { QuorumSetupView } from '../../../../preload/contract';
import { Banner, Button, DataTable, ErrorBanner, KeyValueList, type Column } from '../../../design';
import { useQuorumSetup } from '../../../stores/quorum-context';

type SetupCustodian = QuorumSetupView['custodians'][number];

export function SetupFinished({ view }: { view: QuorumSetupView }) {
  const reset = useQuorumSetup((s) => s.reset);
  const columns: Column<SetupCustodian>[] = [
    { key: 'index', header: 'No.', render: (c) => c.index },
    { key: 'name', header: 'Custodian', rowHeader: true, render: (c) => c.name },
    ...(view.custodians.some((c) => c.group) ? [{ key: 'group', header: 'Group', render: (c: SetupCustodian) => c.group ?? '' }] : []),
    { key: 'fingerprint', header: 'Envelope fingerprint (words)', render: (c) => c.fingerprint?.words.join(' ') ?? '' },
    { key: 'saved', header: 'Saved to', className: 'mono', render: (c) => c.savedTo ?? '' },
  ];

  if (view.phase !== 'complete') {
    return (
      <div className="setup-finished" data-testid="setup-ended">
        {view.failure ? (
          <ErrorBanner title={view.phase === 'cancelled' ? 'The setup was cancelled' : 'The setup failed'} error={view.failure} />
        ) : (
          <Banner tone="warn" title={view.phase === 'cancelled' ? 'The setup was cancelled' : 'The setup failed'}>
            <p>Envelopes made in this setup are useless; they can be destroyed. The token keeps the PINs it had before.</p>
          </Banner>
        )}
        <Button variant="primary" onClick={reset}>
          Start a new setup
        </Button>
      </div>
    );
  }

  return (
    <div className="setup-finished" data-testid="setup-complete">
      <Banner tone="pass" title="Quorum setup complete">
        <p>
          The token’s PINs are now held by the quorum: {view.policySummary}. No single person can unlock the HSM.
        </p>
      </Banner>
      <KeyValueList
        items={[
          { key: 'record', label: 'Quorum record', value: <span data-testid="record-path">{view.recordPath}</span>, mono: true },
          { key: 'policy', label: 'Policy', value: view.policySummary },
          { key: 'ceremony', label: 'Ceremony', value: view.ceremonyId, mono: true },
          { key: 'kdf', label: 'Passphrase hardening', value: `Argon2id, ${Math.round(view.kdf.memoryKiB / 1024)} MiB, ${view.kdf.iterations} passes, ${view.kdf.parallelism} lanes` },
          ...(view.entropy
            ? [
                {
                  key: 'entropy',
                  label: 'Randomness of the new PINs',
                  value:
                    view.entropy === 'token-and-os'
                      ? 'The token’s random number generator mixed with the operating system’s'
                      : 'The operating system’s random number generator (the token was uninitialized, so its generator could not be used)',
                },
              ]
            : []),
        ]}
      />
      <DataTable caption="Custodians and their envelopes" columns={columns} rows={view.custodians} rowKey={(c) => String(c.index)} rowId={(c) => String(c.index)} />
      <p className="muted">Keep the quorum record with the ceremony transcript: a login needs it to check each share before combining.</p>
      <Button onClick={reset}>Start a new setup</Button>
    </div>
  );
}
