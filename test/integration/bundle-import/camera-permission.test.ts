// The shell's one permission exception (main/shell/camera-permission.ts): the camera, for
// video only, for the app's own top-level page only. Everything else stays denied; the
// simulated Electron test (test/electron) checks the handlers main.ts installs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCameraCheckAllowed, isCameraRequestAllowed } from '../../../main/shell/camera-permission';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../../main/shell/url-policy';

const request = { requestingUrl: APP_ENTRY_URL, isMainFrame: true, mediaTypes: ['video'], securityOrigin: `${APP_ORIGIN}/` };
const check = { requestingUrl: APP_ENTRY_URL, isMainFrame: true, mediaType: 'video', securityOrigin: APP_ORIGIN };

describe('camera permission for the import screen', () => {
  it('allows a video-only request from the app page, and its check', () => {
    assert.equal(isCameraRequestAllowed('media', request), true);
    assert.equal(isCameraRequestAllowed('media', { requestingUrl: APP_ENTRY_URL, isMainFrame: true, mediaTypes: ['video'] }), true);
    assert.equal(isCameraCheckAllowed('media', APP_ORIGIN, check), true);
  });

  it('refuses the microphone, audio with video, and a request that names no media type', () => {
    assert.equal(isCameraRequestAllowed('media', { ...request, mediaTypes: ['audio'] }), false);
    assert.equal(isCameraRequestAllowed('media', { ...request, mediaTypes: ['video', 'audio'] }), false);
    assert.equal(isCameraRequestAllowed('media', { ...request, mediaTypes: [] }), false);
    assert.equal(isCameraRequestAllowed('media', { requestingUrl: APP_ENTRY_URL, isMainFrame: true }), false);
    assert.equal(isCameraRequestAllowed('media', {}), false);
    assert.equal(isCameraRequestAllowed('media', undefined), false);
    assert.equal(isCameraCheckAllowed('media', APP_ORIGIN, { ...check, mediaType: 'audio' }), false);
    assert.equal(isCameraCheckAllowed('media', APP_ORIGIN, { ...check, mediaType: 'unknown' }), false);
    assert.equal(isCameraCheckAllowed('media', APP_ORIGIN, {}), false);
  });

  it('refuses any other origin, an embedded frame, and a foreign security origin', () => {
    for (const url of ['https://example.com/', 'http://127.0.0.1:8080/index.html', 'file:///etc/passwd', 'app://other/index.html', 'app://user:pw@conclave/index.html']) {
      assert.equal(isCameraRequestAllowed('media', { ...request, requestingUrl: url }), false, url);
      assert.equal(isCameraCheckAllowed('media', url, { ...check, requestingUrl: undefined }), false, url);
    }
    assert.equal(isCameraRequestAllowed('media', { ...request, isMainFrame: false }), false);
    assert.equal(isCameraCheckAllowed('media', APP_ORIGIN, { ...check, isMainFrame: false }), false);
    assert.equal(isCameraRequestAllowed('media', { ...request, securityOrigin: 'https://example.com' }), false);
    assert.equal(isCameraCheckAllowed('media', APP_ORIGIN, { ...check, requestingUrl: 'https://example.com/' }), false);
  });

  it('refuses every other permission, from the app page too', () => {
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'midi', 'openExternal', 'fullscreen', 'pointerLock', 'usb', 'hid', 'serial', 'unknown']) {
      assert.equal(isCameraRequestAllowed(permission, request), false, permission);
      assert.equal(isCameraCheckAllowed(permission, APP_ORIGIN, check), false, permission);
    }
  });
});
