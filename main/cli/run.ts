// Dispatches one command line to its command and returns the exit status:
// 0 success, 1 failure (room not ready, module error), 2 usage error; `share` adds 3 for
// an envelope that is missing or malformed.
import { parseCommand, UsageError } from './args';
import { runDoctor } from './doctor';
import { runShareCheck, runShareInspect } from './share';
import type { CliRuntime } from './runtime';
import { runTokens } from './tokens';
import { runWitnessNew, runWitnessShow } from './witness';
import { runScriptCheck } from './script';
import { runVerify } from './verify';
import { runQrDecode } from './qr';
import { runRehearse, runRun } from './ceremony';
import { runBundleVerify } from './bundle';
import { runBundleImport } from './bundle-import';
import { helpFor, USAGE } from './usage';

export async function run(argv: string[], rt: CliRuntime): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      rt.stderr(`conclave: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  switch (command.name) {
    case 'help':
      rt.stdout(`${helpFor(command.topic)}\n`);
      return 0;
    case 'version':
      rt.stdout(`conclave ${rt.version}\n`);
      return 0;
    case 'doctor':
      return runDoctor(command, rt);
    case 'tokens':
      return runTokens(command, rt);
    case 'share-inspect':
      return runShareInspect(command, rt);
    case 'share-check':
      return runShareCheck(command, rt);
    case 'witness-new':
      return runWitnessNew(command, rt);
    case 'witness-show':
      return runWitnessShow(command, rt);
    case 'script-check':
      return runScriptCheck(command, rt);
    case 'run':
      return runRun(command, rt);
    case 'rehearse':
      return runRehearse(command, rt);
    case 'verify':
      return runVerify(command, rt);
    case 'qr-decode':
      return runQrDecode(command, rt);
    case 'bundle-verify':
      return runBundleVerify(command, rt);
    case 'bundle-import':
      return runBundleImport(command, rt);
  }
}
