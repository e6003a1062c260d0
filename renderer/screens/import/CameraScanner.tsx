// The camera scan of an animated QR code: the video (camera only, never the microphone),
// each newly decoded frame text sent to main, and main's progress shown as fragments
// known out of the total. When the bundle is complete the camera stops and the bundle is
// loaded and verified like any other. The scan in main is started afresh before this
// mounts (BundleStep), so the effect only owns the camera and may run twice (StrictMode).
import { useEffect, useRef, useState } from 'react';
import { Banner, Button, Progress } from '../../design';
import { useImport } from '../../stores/import-context';
import { createFrameReader } from './qr-video';

/** How often a frame is looked at: quick enough for a code changing a few times a second. */
const SCAN_INTERVAL_MS = 100;

export function CameraScanner({ allowRehearsal, onStop }: { allowRehearsal: boolean; onStop: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const scanFrame = useImport((s) => s.scanFrame);
  const load = useImport((s) => s.load);
  const scan = useImport((s) => s.scan);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: string | null = null;
    const reader = createFrameReader();
    const stop = () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
      setRunning(false);
    };
    const tick = async () => {
      if (stopped || !video.current) return;
      const text = reader.read(video.current);
      if (text !== null && text !== last) {
        last = text;
        const progress = await scanFrame(text);
        if (progress?.complete) {
          stop();
          await load({ kind: 'camera' }, allowRehearsal);
          return;
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(), SCAN_INTERVAL_MS);
    };
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (error) {
        setProblem(`The camera could not be opened (${error instanceof Error ? error.message : String(error)}). Allow Conclave to use the camera, or load the QR images from a folder instead.`);
        return;
      }
      if (stopped || !video.current) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      video.current.srcObject = stream;
      await video.current.play().catch(() => undefined);
      setRunning(true);
      void tick();
    })();
    return stop;
  }, [scanFrame, load, allowRehearsal]);

  const fraction = scan && scan.fragmentsTotal > 0 ? scan.fragmentsKnown / scan.fragmentsTotal : undefined;
  return (
    <div className="camera-scanner" data-testid="import-camera">
      <video ref={video} className="camera-scanner__video" muted playsInline aria-label="Camera picture" />
      {problem ? <Banner tone="fail" title="No camera">{problem}</Banner> : null}
      <div className="camera-scanner__progress" data-testid="import-scan-progress" data-known={scan?.fragmentsKnown ?? 0} data-total={scan?.fragmentsTotal ?? 0}>
        {scan && scan.fragmentsTotal > 0 ? (
          <Progress label={`${scan.fragmentsKnown} of ${scan.fragmentsTotal} parts read (${scan.framesRead} frames seen, ${scan.refused} refused)`} {...(fraction !== undefined ? { value: fraction } : {})} />
        ) : (
          <p className="field__hint">{running ? 'Looking for a QR code…' : 'Opening the camera…'}</p>
        )}
        {scan?.lastRefusal ? <p className="camera-scanner__refusal">Last frame refused: {scan.lastRefusal}</p> : null}
      </div>
      <Button variant="quiet" icon="off" onClick={onStop} data-testid="import-camera-stop">
        Stop the camera
      </Button>
    </div>
  );
}
