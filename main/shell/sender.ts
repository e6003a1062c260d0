// Who sent an IPC message, as the router needs it. Electron's event.senderFrame is null
// when the frame navigated away or was destroyed before main looked; such a message has
// no trustworthy sender and is refused. The types are structural so this stays
// electron-free and testable.
import type { SenderInfo } from '../ipc/router';

export interface FrameLike {
  readonly origin: string;
  readonly url: string;
  readonly parent?: FrameLike | null;
}

export interface IpcEventLike {
  readonly senderFrame: FrameLike | null;
  readonly sender: { readonly mainFrame: FrameLike };
}

export function senderInfoOf(event: IpcEventLike): SenderInfo {
  const frame = event.senderFrame;
  if (!frame) return { origin: '', isMainFrame: false };
  const isMainFrame = frame === event.sender.mainFrame && (frame.parent === undefined || frame.parent === null);
  return { origin: frame.origin, isMainFrame, url: frame.url };
}
