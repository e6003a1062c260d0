// Runs the OS probes a room report needs. Roots are passed through so tests can point
// every probe at a fake tree; in the app and the CLI they default to the real system.
import type { NetworkInterfaceInfo } from 'node:os';
import { probeClock, type ClockReport } from '../../native/probes/clock';
import { probeNetwork, type NetworkReport } from '../../native/probes/network';
import { probeRemovableMedia, type RemovableMediaReport } from '../../native/probes/removable-media';

export interface RoomProbeOptions {
  sysRoot?: string;
  procRoot?: string;
  devRoot?: string;
  runRoot?: string;
  etcRoot?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  timeZone?: string;
  notBefore?: Date;
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export interface OsFacts {
  network: NetworkReport;
  clock: ClockReport;
  media: RemovableMediaReport;
}

export function probeRoom(options: RoomProbeOptions = {}): OsFacts {
  // Each probe falls back to the real system for an option left undefined.
  return {
    network: probeNetwork({ sysRoot: options.sysRoot, networkInterfaces: options.networkInterfaces }),
    clock: probeClock({
      etcRoot: options.etcRoot,
      env: options.env,
      now: options.now,
      timeZone: options.timeZone,
      notBefore: options.notBefore,
    }),
    media: probeRemovableMedia({
      procRoot: options.procRoot,
      sysRoot: options.sysRoot,
      devRoot: options.devRoot,
      runRoot: options.runRoot,
    }),
  };
}
