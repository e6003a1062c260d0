// A custodian's envelope as a QR code with its fingerprint, on screen and as the only
// thing on the printed page: a card with the custodian's name, the ceremony and the
// fingerprint, so the paper copy can be checked against the file later.
import { useEffect } from 'react';
import { createPortal } from 'react-dom';
import type { FingerprintView } from '../../../../preload/contract';
import { Button, Fingerprint, Progress } from '../../../design';

export interface QrCardProps {
  custodian: string;
  index: number;
  ceremonyId: string;
  policySummary: string;
  pngDataUrl: string | null;
  fingerprint: FingerprintView;
  rehearsal: boolean;
}

function CardBody({ custodian, index, ceremonyId, policySummary, pngDataUrl, fingerprint, rehearsal, testId, groupsPerLine }: QrCardProps & { testId?: string; groupsPerLine: number }) {
  return (
    <>
      <div className="qr-card__head">
        {rehearsal ? <p className="qr-card__rehearsal">REHEARSAL: not valid for production</p> : null}
        <p className="qr-card__kind">Conclave share envelope</p>
        <p className="qr-card__name">{custodian}</p>
        <p className="qr-card__meta">
          Custodian {index}, quorum {policySummary}, ceremony <span className="mono">{ceremonyId}</span>
        </p>
      </div>
      {pngDataUrl ? (
        <img className="qr-card__qr" src={pngDataUrl} alt={`QR code of ${custodian}'s share envelope`} data-testid={testId} />
      ) : (
        <Progress label="Drawing the QR code" />
      )}
      <Fingerprint hex={fingerprint.hex} words={fingerprint.words} groupsPerLine={groupsPerLine} label="Envelope fingerprint (SHA-256)" className="qr-card__fingerprint" />
    </>
  );
}

export function QrCard(props: QrCardProps) {
  // The printed copy lives outside the app frame, so the print stylesheet can hide the
  // whole app and show this card alone on the page.
  useEffect(() => {
    document.body.classList.add('has-print-sheet');
    return () => document.body.classList.remove('has-print-sheet');
  }, []);
  return (
    <div className="qr-card" data-testid="qr-card">
      <CardBody {...props} testId="envelope-qr" groupsPerLine={4} />
      <div className="qr-card__actions">
        <Button icon="print" onClick={() => window.print()} disabled={!props.pngDataUrl} data-testid="print-qr">
          Print this card
        </Button>
        <p className="field__hint">Only this card is printed. The QR holds the sealed envelope; it is useless without {props.custodian}’s passphrase.</p>
      </div>
      {createPortal(
        <section className="print-sheet" aria-hidden="true">
          <div className="qr-card qr-card--print">
            <CardBody {...props} groupsPerLine={8} />
          </div>
        </section>,
        document.body,
      )}
    </div>
  );
}
