import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { senderInfoOf, type FrameLike } from '../../../main/shell/sender';

const mainFrame: FrameLike = { origin: 'app://conclave', url: 'app://conclave/index.html', parent: null };

describe('IPC sender info', () => {
  it('reports the main frame as the main frame', () => {
    assert.deepEqual(senderInfoOf({ senderFrame: mainFrame, sender: { mainFrame } }), {
      origin: 'app://conclave',
      isMainFrame: true,
      url: 'app://conclave/index.html',
    });
  });

  it('reports a subframe, even one of the same origin, as not the main frame', () => {
    const child: FrameLike = { origin: 'app://conclave', url: 'app://conclave/index.html', parent: mainFrame };
    assert.equal(senderInfoOf({ senderFrame: child, sender: { mainFrame } }).isMainFrame, false);
    // A look-alike object is not the main frame: identity is what counts.
    const lookAlike: FrameLike = { ...mainFrame };
    assert.equal(senderInfoOf({ senderFrame: lookAlike, sender: { mainFrame } }).isMainFrame, false);
  });

  it('gives a frame that is gone no origin and no main-frame standing', () => {
    assert.deepEqual(senderInfoOf({ senderFrame: null, sender: { mainFrame } }), { origin: '', isMainFrame: false });
  });
});
