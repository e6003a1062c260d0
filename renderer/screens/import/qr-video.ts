// Decoding QR codes from camera frames, in the renderer: a frame is drawn onto a canvas
// and jsQR looks for one code in its pixels. Only the decoded text leaves this module
// (to main, which reassembles the bundle); frames are never stored or sent.
import jsQR from 'jsqr';

export interface FrameReader {
  /** The text of the QR code in the video's current frame, or null. */
  read(video: HTMLVideoElement): string | null;
}

export function createFrameReader(): FrameReader {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return {
    read(video) {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!context || width === 0 || height === 0 || video.readyState < 2) return null;
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      const pixels = context.getImageData(0, 0, width, height);
      const found = jsQR(pixels.data, width, height, { inversionAttempts: 'attemptBoth' });
      return found && found.data.length > 0 ? found.data : null;
    },
  };
}
