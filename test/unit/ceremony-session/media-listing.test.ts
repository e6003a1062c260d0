// The media an export step lists for the administrator: every mounted removable medium
// with its label, size, serial and file system in words, whether the step's allow-list
// names it (null without a list), and never the fixed disk. The machine is a fake
// /proc, /sys and /dev tree whose mount table names real folders.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearsalRootScript, REHEARSAL_TRANSPORT_KEK_LABEL, type StepOf } from '../../../main/ceremony/script';
import { mediaForStep } from '../../../main/ceremony/session';
import { CeremonyMediaSchema } from '../../../preload/contract';
import { fakeMedia, STICK_LABEL, STICK_SERIAL } from './fake-media';
import { WITNESS_FINGERPRINT } from './transcript-builder';

const places = realpathSync(mkdtempSync(join(tmpdir(), 'conclave-session-media-')));
const folder = (name: string) => {
  const dir = join(places, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const mounts = { stick: folder(STICK_LABEL), noSerial: folder('NOSERIAL'), fixed: folder('fixed') };
const machine = fakeMedia(mounts);
after(() => {
  machine.remove();
  rmSync(places, { recursive: true, force: true });
});

const script = rehearsalRootScript({ witnessFingerprint: WITNESS_FINGERPRINT, bundleTransportKek: REHEARSAL_TRANSPORT_KEK_LABEL });
const step = script.steps.find((s) => s.action === 'export-bundle') as StepOf<'export-bundle'>;

describe('media listed at an export step', () => {
  it('lists the removable media in words, without an allow-list', () => {
    const media = CeremonyMediaSchema.parse(mediaForStep(step, machine.probe));
    assert.equal(media.visible, true);
    assert.equal(media.allowList, null);
    assert.deepEqual(media.media.map((m) => m.mountPoint).sort(), [mounts.stick, mounts.noSerial].sort(), 'not the fixed disk');
    const stick = media.media.find((m) => m.mountPoint === mounts.stick)!;
    assert.deepEqual(
      { label: stick.label, serial: stick.serial, sizeBytes: stick.sizeBytes, fsType: stick.fsType, readOnly: stick.readOnly, allowed: stick.allowed, device: stick.device },
      { label: STICK_LABEL, serial: STICK_SERIAL, sizeBytes: 60061696 * 512, fsType: 'vfat', readOnly: false, allowed: null, device: '/dev/sdb1' },
    );
    assert.equal(stick.description, `USB drive "${STICK_LABEL}" (SanDisk Cruzer Blade, 30.8 GB, vfat, serial ${STICK_SERIAL})`);
  });

  it('marks which media the step\'s allow-list names; a medium without a readable serial is not on it', () => {
    const listed = { ...step, params: { ...step.params, mediaAllowList: [STICK_SERIAL.toLowerCase()] } };
    const media = CeremonyMediaSchema.parse(mediaForStep(listed, machine.probe));
    assert.deepEqual(media.allowList, [STICK_SERIAL.toLowerCase()]);
    assert.deepEqual(
      media.media.map((m) => [m.mountPoint, m.allowed]).sort(),
      [[mounts.stick, true], [mounts.noSerial, false]].sort(),
    );
  });

  it('says when no medium can be seen at all', () => {
    const media = mediaForStep(step, { procRoot: join(places, 'no-proc'), sysRoot: join(places, 'no-sys'), devRoot: join(places, 'no-dev'), runRoot: join(places, 'no-run') });
    assert.deepEqual(media, { visible: false, allowList: null, media: [] });
  });
});
