// Entry of the HSM worker process: the only process that loads a PKCS#11 module. It runs
// as an Electron utilityProcess in the app (messages arrive on process.parentPort as
// {data}) and as a child_process.fork child in tests and on the command line
// (process.on('message') / process.send). Requests are answered strictly one at a time,
// in order; a vendor module that crashes or hangs takes down only this process.
import { dispatch } from './dispatcher';
import { Pkcs11Backend } from './pkcs11-backend';
import type { HsmResponse } from './protocol';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const backend = new Pkcs11Backend();
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function exitAfterReply(): void {
  // Give the IPC channel a moment to flush the last answer before the process ends.
  setTimeout(() => process.exit(0), 20);
}

function handle(message: unknown, reply: (response: HsmResponse, done: () => void) => void): void {
  const { response, exit } = dispatch(backend, message);
  reply(response, () => {
    if (exit) exitAfterReply();
  });
}

if (parentPort) {
  parentPort.on('message', (event) => {
    handle(event?.data, (response, done) => {
      parentPort.postMessage(response);
      done();
    });
  });
} else if (typeof process.send === 'function') {
  process.on('message', (message) => {
    handle(message, (response, done) => {
      process.send?.(response, undefined, undefined, () => done());
    });
  });
  // The parent went away: nobody is left to answer, and the module must not stay loaded.
  process.on('disconnect', () => {
    backend.unloadModule();
    process.exit(0);
  });
} else {
  process.stderr.write('The Conclave HSM worker must be started by Conclave (as a utility or forked process).\n');
  process.exit(2);
}
