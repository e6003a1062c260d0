// `conclave tokens`: loads one PKCS#11 module in a worker and lists its slots and tokens
// with flags and health. The module comes from --module, else CONCLAVE_PKCS11_MODULE,
// else the first known library present on this machine.
import { resolve } from 'node:path';
import type { ModuleInfo, TokenFacts } from '../../preload/contract';
import { toErrorValue } from '../status/error-value';
import type { Command } from './args';
import { renderTokens } from './render';
import { reportFailure, type CliFailure, type CliRuntime } from './runtime';

type TokensCommand = Extract<Command, { name: 'tokens' }>;

/** What `conclave tokens --json` prints. */
export interface TokensOutput {
  module: ModuleInfo;
  tokens: TokenFacts[];
}

async function chooseModule(cmd: TokensCommand, rt: CliRuntime): Promise<{ path: string } | CliFailure> {
  if (cmd.module) return { path: resolve(rt.cwd, cmd.module) };
  const fromEnv = rt.env.CONCLAVE_PKCS11_MODULE;
  if (fromEnv && fromEnv.trim() !== '') return { path: fromEnv };
  const candidates = await rt.listModuleCandidates();
  const found = candidates.find((c) => c.exists);
  if (found) return { path: found.path };
  return {
    message: `No PKCS#11 module was given and none of the known libraries exists on this machine (looked for ${candidates.map((c) => c.path).join(', ') || 'none'}).`,
    action: "Pass --module PATH with your HSM vendor's PKCS#11 library, or set CONCLAVE_PKCS11_MODULE.",
  };
}

export async function runTokens(cmd: TokensCommand, rt: CliRuntime): Promise<number> {
  const choice = await chooseModule(cmd, rt);
  if (!('path' in choice)) return reportFailure(rt, choice);

  // The worker inherits this environment, so SOFTHSM2_CONF and vendor variables reach the module.
  const port = rt.hsm({ ...rt.env });
  try {
    const module = await port.loadModule(choice.path);
    const tokens = await port.listTokens();
    if (cmd.json) {
      const output: TokensOutput = { module, tokens };
      rt.stdout(`${JSON.stringify(output, null, 2)}\n`);
    } else {
      rt.stdout(renderTokens(module, tokens, rt.width));
    }
    return 0;
  } catch (error) {
    const value = toErrorValue(error, {
      code: 'TOKENS_FAILED',
      action: 'Check the module path and that the HSM and its software are available, then run the command again.',
    });
    return reportFailure(rt, { message: `${choice.path}: ${value.message}`, action: value.action });
  } finally {
    await port.close().catch(() => undefined);
  }
}
