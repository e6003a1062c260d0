// "Verify a ceremony", for compliance officers: the same check as `conclave verify DIR`,
// read-only, with the verdict, the checks, the first failure, the final hash and the
// transcript to read through.
import { useVerify } from '../../stores/verify-context';
import { TranscriptViewer } from './TranscriptViewer';
import { VerifyChecks } from './VerifyChecks';
import { VerifyForm } from './VerifyForm';
import { VerifyVerdict } from './VerifyVerdict';

export function VerifyScreen() {
  const result = useVerify((s) => s.result);
  return (
    <div className="verify-screen" data-testid="verify-screen">
      <div className="page-header">
        <div className="page-header__titles">
          <h1>Verify a ceremony</h1>
          <p className="page-header__meta">Check a ceremony folder: its transcript chain, signatures and seal, the script’s policy, every recorded file, SHA256SUMS and the reports.</p>
        </div>
      </div>
      <VerifyForm />
      {result ? (
        <div className="verify-result" data-testid="verify-result">
          <VerifyVerdict result={result} />
          <VerifyChecks checks={result.checks} />
          <TranscriptViewer entries={result.entries} entriesLeftOut={result.entriesLeftOut} failingSeq={result.firstFailure?.entrySeq ?? null} />
        </div>
      ) : null}
    </div>
  );
}
