// The KDF worker thread (built to dist/main/kdf-worker.cjs): runs Argon2id jobs off the
// main thread, so an Electron main process or a CLI prompt stays responsive during the
// second a derivation takes. The password and salt arrive transferred (the sender keeps
// no copy) and are overwritten here after use; the key is transferred back.
import { parentPort } from 'node:worker_threads';
import { runArgon2id } from './argon2id-run';
import type { KdfReply, KdfRequest } from './kdf-thread';

const port = parentPort;
if (!port) throw new Error('kdf-worker: this script runs only as a worker thread (new Worker(...)).');

port.on('message', async (request: KdfRequest) => {
  let reply: KdfReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const key = await runArgon2id(request.job);
    reply = { id: request.id, ok: true, key };
    transfer = [key.buffer as ArrayBuffer];
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    request.job.password.fill(0);
    request.job.salt.fill(0);
  }
  port.postMessage(reply, transfer);
});
