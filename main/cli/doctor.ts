// `conclave doctor`: runs every room check through the same status service the app uses
// and prints the report; exit status 0 only when no check failed.
import { resolve } from 'node:path';
import { defaultDataDir } from '../status/settings';
import type { Command } from './args';
import { renderRoomReport, renderVerdict } from './render';
import { reportFailure, type CliRuntime } from './runtime';
import { toErrorValue } from '../status/error-value';

type DoctorCommand = Extract<Command, { name: 'doctor' }>;

export async function runDoctor(cmd: DoctorCommand, rt: CliRuntime): Promise<number> {
  const dataDir = cmd.dataDir ? resolve(rt.cwd, cmd.dataDir) : defaultDataDir(rt.env);
  const service = rt.createStatusService({
    dataDir,
    // --rehearsal forces the rehearsal token; without it, doctor never makes one on its own.
    modulePath: cmd.rehearsal ? null : cmd.module ? resolve(rt.cwd, cmd.module) : undefined,
    whenUnconfigured: 'none',
    env: rt.env,
  });
  try {
    const snapshot = await service.getStatus();
    const report = snapshot.room;
    if (cmd.json) {
      rt.stdout(`${JSON.stringify(report, null, 2)}\n`);
      if (!report.ready) rt.stderr(`${renderVerdict(report).join('\n')}\n`);
    } else {
      rt.stdout(renderRoomReport(report, snapshot.rehearsal, rt.width));
    }
    return report.ready ? 0 : 1;
  } catch (error) {
    const value = toErrorValue(error, { code: 'DOCTOR_FAILED', action: 'Run the command again; if it keeps failing, report the message above.' });
    return reportFailure(rt, value);
  } finally {
    await service.close();
  }
}
