// Builds fake /sys, /proc, /dev, /etc trees in a temp folder so the probes can be tested
// against machines we do not have (wireless laptops, USB sticks, Berlin time zones).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Entry = string | { link: string } | { dir: true };

export interface FakeTree {
  root: string;
  path(...parts: string[]): string;
  add(entries: Record<string, Entry>): void;
  remove(): void;
}

export function fakeTree(entries: Record<string, Entry> = {}): FakeTree {
  const root = mkdtempSync(join(tmpdir(), 'conclave-fake-'));
  const tree: FakeTree = {
    root,
    path: (...parts) => join(root, ...parts),
    add(more) {
      for (const [rel, entry] of Object.entries(more)) {
        const target = join(root, rel);
        mkdirSync(dirname(target), { recursive: true });
        if (typeof entry === 'string') writeFileSync(target, entry);
        else if ('link' in entry) symlinkSync(entry.link, target);
        else mkdirSync(target, { recursive: true });
      }
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  tree.add(entries);
  return tree;
}

/** A sysfs network interface: /sys/class/net/<name> linking to its device directory. */
export function netInterface(
  name: string,
  opts: { operstate: string; carrier?: '0' | '1'; type?: number; flags?: string; virtual?: boolean; wireless?: boolean },
): Record<string, Entry> {
  const device = opts.virtual ? `devices/virtual/net/${name}` : `devices/pci0000:00/0000:00:1f.6/net/${name}`;
  const entries: Record<string, Entry> = {
    [`sys/${device}/operstate`]: `${opts.operstate}\n`,
    [`sys/${device}/type`]: `${opts.type ?? 1}\n`,
    [`sys/${device}/flags`]: `${opts.flags ?? '0x1003'}\n`,
    [`sys/class/net/${name}`]: { link: `../../${device}` },
  };
  if (opts.carrier !== undefined) entries[`sys/${device}/carrier`] = `${opts.carrier}\n`;
  if (opts.wireless) entries[`sys/${device}/wireless`] = { dir: true };
  return entries;
}

export function rfkill(id: string, opts: { type: string; name: string; soft: '0' | '1'; hard: '0' | '1' }, under = `devices/virtual/rfkill/${id}`): Record<string, Entry> {
  return {
    [`sys/${under}/type`]: `${opts.type}\n`,
    [`sys/${under}/name`]: `${opts.name}\n`,
    [`sys/${under}/soft`]: `${opts.soft}\n`,
    [`sys/${under}/hard`]: `${opts.hard}\n`,
    [`sys/class/rfkill/${id}`]: { link: `../../${under}` },
  };
}

export const LOOPBACK = netInterface('lo', { operstate: 'unknown', carrier: '1', type: 772, flags: '0x9', virtual: true });
