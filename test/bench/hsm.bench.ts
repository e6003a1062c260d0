// `npm run bench`: how long the HSM path takes on this machine, against a fresh SoftHSM2
// token through the real worker process. Reports medians and ranges; asserts nothing
// (speed targets live here, never in tests).
import { performance } from 'node:perf_hooks';
import { measure, printRows, type Row } from './measure';
import { pin, withToken, type Cleanup } from '../helpers/softhsm';

const cleanups: Array<() => unknown> = [];
const suite: Cleanup = { after: (fn) => cleanups.push(fn) };


async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = performance.now();
  const fx = await withToken(suite, { login: true });
  rows.push({ name: 'worker start + module load + token list (first call)', runs: 1, median: performance.now() - started, min: NaN, max: NaN });
  const { client, slotId } = fx;

  rows.push(await measure('worker round trip (ping)', 200, () => client.ping()));
  rows.push(await measure('list slots and tokens', 50, () => client.listTokens()));
  rows.push(await measure('random bytes, 32', 200, () => client.generateRandom(slotId, 32)));
  rows.push(await measure('generate AES-256', 20, (i) => client.generateKey({ slotId, type: 'aes-256', label: `bench-aes-${i}`, role: 'wrap' })));
  rows.push(await measure('generate EC P-256', 20, (i) => client.generateKey({ slotId, type: 'ec-p256', label: `bench-p256-${i}`, role: 'sign' })));
  rows.push(await measure('generate Ed25519', 20, (i) => client.generateKey({ slotId, type: 'ed25519', label: `bench-ed-${i}`, role: 'sign' })));
  rows.push(await measure('generate RSA-3072', 3, (i) => client.generateKey({ slotId, type: 'rsa-3072', label: `bench-rsa-${i}`, role: 'sign' })));

  const [signer] = await client.findObjects({ slotId, label: 'bench-p256-0', class: 'private' });
  if (!signer) throw new Error('the P-256 key generated above was not found');
  const data = new Uint8Array(1024);
  rows.push(await measure('ECDSA P-256 sign, 1 KiB', 100, () => client.sign({ key: signer.handle, mechanism: 'ecdsa-sha256', data })));
  rows.push(await measure('wrong-PIN login refused (no retry)', 5, () => client.logout(slotId).then(() => client.login(slotId, 'user', pin('wrong-pin-x')).catch(() => undefined))));

  console.log('\nConclave HSM benchmarks (SoftHSM2, real worker process), milliseconds\n');
  printRows(rows);
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
