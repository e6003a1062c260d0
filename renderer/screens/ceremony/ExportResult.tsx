// The checked result of an export-bundle step: the bundle file and its SHA-256 (hex and
// words, for the room to compare with what the ops side will compute), when it expires,
// whether it is a rehearsal bundle, the media it was copied to (each read back), and the
// bundle itself as QR codes on screen: main reads the file, checks it against the SHA-256
// the transcript records, and hands back the frame texts, which play here with a frame
// counter, pause, single steps and a speed control.
import { useEffect } from 'react';
import type { CeremonyExportResult } from '../../../preload/contract';
import { AnimatedQr, Banner, ErrorBanner, Fingerprint, KeyValueList, Progress, RehearsalMark } from '../../design';
import { formatUtcTime } from '../../format';
import { useCeremony } from '../../stores/ceremony-context';

const QR_SIZE = 440;

function BundleQr({ step, result }: { step: string; result: CeremonyExportResult }) {
  const frames = useCeremony((s) => s.bundleFrames);
  const load = useCeremony((s) => s.loadBundleFrames);
  useEffect(() => {
    void load(step);
  }, [step, result.sha256.hex, load]);

  const read = frames?.step === step ? frames : null;
  const value = read?.value ?? null;
  const compact = result.sha256.hex.replace(/\s+/g, '').toLowerCase();
  return (
    <section className="export-qr" aria-labelledby={`${step}-qr-title`} data-testid="export-qr">
      <h4 id={`${step}-qr-title`} className="export__heading">
        The bundle as QR codes
      </h4>
      {read === null || read.loading ? <Progress label="Reading the bundle and making its QR frames" /> : null}
      {read?.error ? <ErrorBanner title="The bundle cannot be shown as QR codes" error={read.error} /> : null}
      {value && value.sha256 !== compact ? (
        <Banner tone="fail" title="These frames are not of the bundle above">
          <p>The frames carry a bundle with the SHA-256 {value.sha256}; the step recorded {compact}. Do not scan them.</p>
        </Banner>
      ) : null}
      {value && value.sha256 === compact ? (
        <div data-testid="bundle-qr" data-frames={value.texts.length} data-static={String(value.staticFrame)}>
          <p className="step-card__note">
            {value.staticFrame
              ? `One QR code holds all ${value.bytes} bytes of ${value.fileName}.`
              : `${value.texts.length} frames carry the ${value.bytes} bytes of ${value.fileName}. The receiver scans until its decoder has the whole bundle; it then checks the SHA-256 and the signature.`}
          </p>
          <AnimatedQr frames={value.texts} label={`Bundle ${value.fileName}`} size={QR_SIZE} />
        </div>
      ) : null}
    </section>
  );
}

export function ExportResultView({ step, result }: { step: string; result: CeremonyExportResult }) {
  return (
    <div className="key-result export-result" data-testid="export-result" data-rehearsal={String(result.rehearsal)}>
      {result.rehearsal ? (
        <div className="export-result__rehearsal" data-testid="export-rehearsal">
          <RehearsalMark />
          <p className="step-card__note">A rehearsal bundle: it says so in its signed manifest, and a production import refuses it.</p>
        </div>
      ) : null}
      <KeyValueList
        items={[
          { key: 'file', label: 'Bundle file', value: <span data-testid="export-file">{result.file}</span>, mono: true },
          { key: 'bytes', label: 'Size', value: `${result.bytes} bytes`, mono: true },
          { key: 'key', label: 'Key', value: `${result.key.label} v${result.key.version} (${result.key.algorithm}, usage ${result.key.usage}, CKA_ID ${result.key.id})`, mono: true },
          { key: 'recipient', label: 'Recipient', value: `${result.recipient.name} (${result.recipient.kind})` },
          {
            key: 'recipient-key',
            label: result.recipient.kind === 'transport-kek' ? 'Transport KEK check value' : 'Recipient key SHA-256',
            value: <span data-testid="export-recipient-check">{result.recipient.keyFingerprint}</span>,
            mono: true,
          },
          { key: 'wrap', label: 'Wrapped with', value: result.wrapMethod, mono: true },
          { key: 'exported', label: 'Exported', value: <time dateTime={result.exportedAt}>{formatUtcTime(result.exportedAt, true)}</time>, mono: true },
          { key: 'expires', label: 'Expires', value: <time dateTime={result.expiresAt} data-testid="export-expires">{formatUtcTime(result.expiresAt, true)}</time>, mono: true },
          { key: 'qr', label: 'QR frames and sheet', value: result.qrFolder ?? 'none written', mono: true },
          {
            key: 'media',
            label: 'Copied to a medium',
            value: (
              <span data-testid="export-media-written">
                {result.media.length === 0 ? 'No: the bundle is in the ceremony folder only' : result.media.map((m) => `${m.path}, on ${m.medium}; read back with the same SHA-256`).join('; ')}
              </span>
            ),
          },
        ]}
      />
      {result.adopted ? (
        <p className="step-card__note" data-testid="export-adopted">
          An earlier attempt of this step wrote the bundle before it stopped. It was checked — this key, this recipient, this ceremony, signed by this root key — and adopted, not wrapped a second time.
        </p>
      ) : null}
      <p className="step-card__note">An importer refuses the bundle after it expires.</p>
      <div data-testid="export-sha256">
        <Fingerprint label="SHA-256 of the bundle file: the ops side computes the same before importing" hex={result.sha256.hex} words={result.sha256.words} />
      </div>
      <BundleQr step={step} result={result} />
    </div>
  );
}
