// Child process of the export-bundle crash test: runs a new ceremony with the runner and
// kills itself (SIGKILL) inside the named export step, after the bundle is written and
// before the step completes. The configuration (answers, the token's first PINs for the
// quorum setup) arrives in an environment variable, never in a file.
import { parseAnswers, runCeremony } from '../../../main/ceremony/engine';
import { parseScript } from '../../../main/ceremony/script';
import { forkHsmClient } from '../../../main/hsm/hsm-client';
import { requireWorkerBuild } from '../../helpers/softhsm';
import { CEREMONY_TOKEN, depsFor, RUNNER_CONFIG_ENV, type RunnerConfig } from './export-bundle-fixture';

async function main(): Promise<void> {
  const config = JSON.parse(process.env[RUNNER_CONFIG_ENV]!) as RunnerConfig;
  const script = parseScript(config.scriptText);
  const answers = parseAnswers(config.answers, config.base);
  const hsm = forkHsmClient({ workerScript: requireWorkerBuild(), env: config.confEnv });
  try {
    await hsm.loadModule(config.modulePath);
    const deps = await depsFor(hsm, config.modulePath, config.dir, answers, { firstPins: CEREMONY_TOKEN, killAtExport: config.killAtExport });
    const outcome = await runCeremony({ deps, answers, start: { script, source: { name: `${script.ceremony.id}.yaml`, format: 'yaml', text: config.scriptText } } });
    process.stdout.write(`the run ended without reaching the kill point: ${outcome.status}\n`);
  } finally {
    await hsm.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
