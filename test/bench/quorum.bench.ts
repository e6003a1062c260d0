// `npm run bench` (second part): the quorum on this machine. Calibrates Argon2id to about
// one second, then times opening an envelope at those parameters, and splitting and
// combining a 32-byte secret for 3-of-5 and 16-of-16. Reports medians and ranges;
// asserts nothing (speed targets live here, never in tests).
import { performance } from 'node:perf_hooks';
import { measure, printRows, type Row } from './measure';
import { envelopeMetadata, openEnvelope, parseEnvelope, sealEnvelope } from '../../main/quorum/envelope';
import { calibrateKdf } from '../../main/quorum/kdf';
import { encodePassphrase } from '../../main/quorum/passphrase-policy';
import { parsePolicy } from '../../main/quorum/policy';
import { combineShares, splitSecret } from '../../main/quorum/sharing';
import { SECRET_IDS, type OpenedShares, type QuorumPolicy } from '../../main/quorum/types';


const flat = (m: number, n: number): QuorumPolicy => parsePolicy({ threshold: m, custodians: Array.from({ length: n }, (_, i) => ({ name: `Custodian ${i + 1}` })) });

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = performance.now();
  const calibration = await calibrateKdf();
  rows.push({ name: 'calibration (whole search)', runs: 1, median: performance.now() - started, min: NaN, max: NaN });
  const kdf = calibration.params;

  const policy = flat(3, 5);
  const passphrase = encodePassphrase('violet Anchor 58 drizzle');
  const user = await splitSecret(crypto.getRandomValues(new Uint8Array(32)), policy);
  const so = await splitSecret(crypto.getRandomValues(new Uint8Array(32)), policy);
  const shares: OpenedShares = { 'user-pin': user.get(1)!, 'so-pin': so.get(1)! };
  const metadata = envelopeMetadata({ ceremonyId: 'bench', policy, index: 1, shares, reshareNonce: null, createdAt: new Date().toISOString(), rehearsal: true });
  let text = '';
  rows.push(await measure('seal envelope (calibrated Argon2id)', 3, async () => {
    text = (await sealEnvelope({ metadata, shares, passphrase, kdf })).text;
  }));
  const parsed = parseEnvelope(text);
  rows.push(await measure('open envelope (calibrated Argon2id)', 5, async () => {
    const opened = await openEnvelope(parsed, passphrase);
    for (const id of SECRET_IDS) opened[id].fill(0);
  }));

  for (const [m, n] of [[3, 5], [16, 16]] as const) {
    const p = flat(m, n);
    const secret = crypto.getRandomValues(new Uint8Array(32));
    let split = new Map<number, Uint8Array>();
    rows.push(await measure(`split 32 bytes, ${m} of ${n}`, 200, async () => {
      split = await splitSecret(secret, p);
    }));
    const present = new Map([...split].slice(0, m));
    rows.push(await measure(`combine 32 bytes, ${m} of ${n}`, 200, () => combineShares(p, present)));
  }

  console.log(`\nConclave quorum benchmarks, milliseconds`);
  console.log(
    `Calibrated Argon2id: ${kdf.memoryKiB / 1024} MiB, ${kdf.iterations} iterations, ${kdf.parallelism} lanes ` +
      `(${calibration.milliseconds.toFixed(0)} ms in calibration; target about 1000 ms, never below 64 MiB, 3 iterations, 4 lanes)\n`,
  );
  printRows(rows);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
