// A bundle's QR frames on screen (docs/qr-transport.md): one static code when the bundle
// fits in one, otherwise the fountain-coded frames shown one after another in a loop,
// with a frame counter, pause and play, single steps and a speed control. A receiver
// that misses frames keeps scanning; any frames will do, in any order. Someone who asked
// their system for reduced motion gets the first frame paused, and plays it themselves.
import { useEffect, useId, useMemo, useReducer } from 'react';
import QRCode from 'qrcode';
import { Button } from './Button';
import { cx } from './classes';

/** The speeds offered, in frames per second. */
export const FRAME_RATES = [1, 2, 3, 4, 6, 8, 10] as const;
export const DEFAULT_FRAME_RATE = 4;
/** Quiet zone around the code, in modules (the QR standard's minimum). */
const QUIET_ZONE = 4;

export interface AnimationState {
  /** 0-based index of the frame shown. */
  index: number;
  playing: boolean;
  fps: number;
}

export type AnimationAction =
  /** The timer fired: the next frame, if playing. */
  | { type: 'tick' }
  | { type: 'toggle' }
  /** One frame back or forward; pauses, so the frame stays to be scanned. */
  | { type: 'step'; by: 1 | -1 }
  | { type: 'speed'; fps: number }
  /** Other frames were given: back to the first one at the same speed, playing unless `autoplay` is false. */
  | { type: 'reset'; autoplay?: boolean };

export function initialAnimation(count: number, fps: number = DEFAULT_FRAME_RATE, autoplay = true): AnimationState {
  return { index: 0, playing: count > 1 && autoplay, fps: clampRate(fps) };
}

/** The system's "reduce motion" preference; false where it cannot be asked (no window). */
export function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function clampRate(fps: number): number {
  if (!Number.isFinite(fps)) return DEFAULT_FRAME_RATE;
  return Math.min(FRAME_RATES[FRAME_RATES.length - 1]!, Math.max(FRAME_RATES[0]!, fps));
}

/** The frame-advancing rules, kept pure so they are tested without a browser. */
export function animationReducer(count: number, state: AnimationState, action: AnimationAction): AnimationState {
  if (count <= 1) return { ...state, index: 0, playing: false, fps: action.type === 'speed' ? clampRate(action.fps) : state.fps };
  const wrap = (i: number) => ((i % count) + count) % count;
  switch (action.type) {
    case 'tick':
      return state.playing ? { ...state, index: wrap(state.index + 1) } : state;
    case 'toggle':
      return { ...state, playing: !state.playing };
    case 'step':
      return { ...state, index: wrap(state.index + action.by), playing: false };
    case 'speed':
      return { ...state, fps: clampRate(action.fps) };
    case 'reset':
      return initialAnimation(count, state.fps, action.autoplay ?? true);
  }
}

/** Milliseconds each frame stays on screen. */
export function frameDelayMs(fps: number): number {
  return Math.round(1000 / clampRate(fps));
}

/** The dark modules of a frame's code as one SVG path (a rectangle per horizontal run), and the symbol size. */
export function qrPath(text: string): { size: number; d: string } {
  // Frame texts are upper-case UR, all in the QR alphanumeric set (docs/qr-transport.md).
  const qr = QRCode.create([{ data: text, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  let d = '';
  for (let y = 0; y < n; y++) {
    let x = 0;
    while (x < n) {
      if (!qr.modules.get(y, x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && qr.modules.get(y, x)) x++;
      d += `M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h${start - x}z`;
    }
  }
  return { size: n, d };
}

function QrSvg({ text, pixels, label }: { text: string; pixels: number; label: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  const side = size + 2 * QUIET_ZONE;
  return (
    <svg className="animated-qr__code" role="img" aria-label={label} viewBox={`0 0 ${side} ${side}`} width={pixels} height={pixels} shapeRendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export interface AnimatedQrProps {
  /** The frame texts, as the main side's qrFramesFor made them, in order. */
  frames: readonly string[];
  /** What the code carries, e.g. "Bundle for ops-team-a"; names the region and the code. */
  label: string;
  /** Width and height of the code on screen, in CSS pixels. */
  size?: number;
  /** Starting speed in frames per second. */
  initialFps?: number;
  /** Start playing; by default unless the system asks for reduced motion. */
  autoplay?: boolean;
  className?: string;
}

export function AnimatedQr({ frames, label, size = 360, initialFps = DEFAULT_FRAME_RATE, autoplay, className }: AnimatedQrProps) {
  const count = frames.length;
  const play = autoplay ?? !prefersReducedMotion();
  const [state, dispatch] = useReducer((s: AnimationState, a: AnimationAction) => animationReducer(count, s, a), initialFps, (fps) => initialAnimation(count, fps, play));
  const speedId = useId();
  const counterId = useId();

  // Frame texts carry the message's checksum, so the first and last name the message;
  // a parent that passes an equal new array each render does not restart the loop.
  const messageKey = `${count}\n${frames[0] ?? ''}\n${frames[count - 1] ?? ''}`;
  useEffect(() => dispatch({ type: 'reset', autoplay: play }), [messageKey]);

  useEffect(() => {
    if (!state.playing || count <= 1) return undefined;
    const timer = setInterval(() => dispatch({ type: 'tick' }), frameDelayMs(state.fps));
    return () => clearInterval(timer);
  }, [state.playing, state.fps, count]);

  if (count === 0) return null;
  const index = Math.min(state.index, count - 1);
  if (count === 1) {
    return (
      <figure className={cx('animated-qr', 'animated-qr--static', className)} aria-label={label}>
        <QrSvg text={frames[0]!} pixels={size} label={`${label}: one QR code holding the whole bundle`} />
        <figcaption className="animated-qr__caption">One QR code holds the whole bundle.</figcaption>
      </figure>
    );
  }
  return (
    <figure className={cx('animated-qr', className)} aria-label={label} data-playing={String(state.playing)} data-frame={index + 1}>
      <QrSvg text={frames[index]!} pixels={size} label={`${label}: QR code, frame ${index + 1} of ${count}`} />
      <figcaption className="animated-qr__caption">
        {/* Not a live region: announcing every frame several times a second would drown everything else out. */}
        <span id={counterId} className="animated-qr__counter">{`frame ${index + 1} of ${count}`}</span>
        <span className="animated-qr__hint">Keep scanning: any frames, in any order; about 80% of them are enough.</span>
      </figcaption>
      <div className="animated-qr__controls" role="group" aria-label={`${label}: animation controls`}>
        <Button variant="primary" onClick={() => dispatch({ type: 'toggle' })} aria-describedby={counterId}>
          {state.playing ? 'Pause' : 'Play'}
        </Button>
        <Button variant="quiet" onClick={() => dispatch({ type: 'step', by: -1 })} aria-label="Previous frame">
          Previous
        </Button>
        <Button variant="quiet" onClick={() => dispatch({ type: 'step', by: 1 })} aria-label="Next frame">
          Next
        </Button>
        <label className="animated-qr__speed" htmlFor={speedId}>
          Speed (frames per second)
        </label>
        <select id={speedId} value={state.fps} onChange={(event) => dispatch({ type: 'speed', fps: Number(event.target.value) })}>
          {FRAME_RATES.map((fps) => (
            <option key={fps} value={fps}>
              {fps}
            </option>
          ))}
        </select>
      </div>
    </figure>
  );
}
