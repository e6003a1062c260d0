// A TranscriptFs over the real file system that records every call in order, can hold
// an fsync until the test releases it, and can make a call fail like a dying medium.
import { nodeTranscriptFs, type TranscriptFileHandle, type TranscriptFs } from '../../../main/transcript/fs-port';

export interface FsEvent {
  op: 'open' | 'write' | 'sync' | 'truncate' | 'close' | 'readFile' | 'syncDirectory' | 'link' | 'rename' | 'unlink';
  path: string;
  flags?: number;
  bytes?: number;
}

export class SpyFs implements TranscriptFs {
  readonly events: FsEvent[] = [];
  /** When set, the next file fsync waits for it (then it is cleared). */
  private held: { release: () => void; reached: Promise<void>; signal: () => void; gate: Promise<void> } | null = null;
  /** Makes the next call of this op fail with this errno. */
  failNext: { op: FsEvent['op']; code: string } | null = null;

  private maybeFail(op: FsEvent['op']): void {
    if (this.failNext?.op === op) {
      const code = this.failNext.code;
      this.failNext = null;
      throw Object.assign(new Error(`${code}: simulated failure of ${op}`), { code });
    }
  }

  /** Holds the next fsync; `reached` resolves when the writer calls it, `release` lets it run. */
  holdNextSync(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let signal!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (signal = r));
    this.held = { release, reached, signal, gate };
    return { reached, release };
  }

  async open(path: string, flags: number, mode?: number): Promise<TranscriptFileHandle> {
    this.events.push({ op: 'open', path, flags });
    this.maybeFail('open');
    const inner = await nodeTranscriptFs.open(path, flags, mode);
    return {
      write: async (bytes) => {
        this.events.push({ op: 'write', path, bytes: bytes.length });
        this.maybeFail('write');
        return inner.write(bytes);
      },
      sync: async () => {
        this.events.push({ op: 'sync', path });
        const held = this.held;
        if (held) {
          this.held = null;
          held.signal();
          await held.gate;
        }
        this.maybeFail('sync');
        return inner.sync();
      },
      truncate: async (length) => {
        this.events.push({ op: 'truncate', path, bytes: length });
        return inner.truncate(length);
      },
      close: async () => {
        this.events.push({ op: 'close', path });
        return inner.close();
      },
    };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.events.push({ op: 'readFile', path });
    return nodeTranscriptFs.readFile(path);
  }

  async syncDirectory(path: string): Promise<void> {
    this.events.push({ op: 'syncDirectory', path });
    return nodeTranscriptFs.syncDirectory(path);
  }

  async link(existingPath: string, newPath: string): Promise<void> {
    this.events.push({ op: 'link', path: newPath });
    return nodeTranscriptFs.link(existingPath, newPath);
  }

  async rename(oldPath: string, newPath: string): Promise<void> {
    this.events.push({ op: 'rename', path: newPath });
    return nodeTranscriptFs.rename(oldPath, newPath);
  }

  async unlink(path: string): Promise<void> {
    this.events.push({ op: 'unlink', path });
    return nodeTranscriptFs.unlink(path);
  }

  /** Events on one path, as "op" strings. */
  opsOn(path: string): string[] {
    return this.events.filter((e) => e.path === path).map((e) => e.op);
  }
}
