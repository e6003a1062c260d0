// Frames read one at a time, as a camera delivers them: each decoded QR text is offered
// to the UR decoder, which keeps what is new, sets aside duplicates and refuses frames of
// another bundle or damaged ones; progress is reported after every frame so the person
// holding the camera knows to keep scanning. The bundle's bytes come out once the
// fountain-coded message is complete and its checksum holds.
import { DomainError } from '../../../native/errors';
import { sha256Hex } from '../../files/atomic-write';
import { CborError } from '../../qr/cbor';
import { UrMessageDecoder, type DecodeProgress } from '../../qr/decoder';
import { BUNDLE_UR_TYPE } from '../../qr/frames';
import type { LoadedBundle } from './bundle-source';
import { importError } from './errors';

export interface ScanProgress extends DecodeProgress {
  framesRead: number;
  /** Why the latest refused frame was refused, until a frame is used again. */
  lastRefusal: string | null;
}

export class QrScan {
  private readonly decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
  private framesRead = 0;
  private lastRefusal: string | null = null;

  receive(text: string): ScanProgress {
    this.framesRead++;
    const outcome = this.decoder.receive(text);
    if (outcome.status === 'refused') this.lastRefusal = outcome.reason;
    else if (outcome.status === 'used') this.lastRefusal = null;
    return this.progress();
  }

  progress(): ScanProgress {
    const failure = this.decoder.failed();
    return { ...this.decoder.progress(), framesRead: this.framesRead, lastRefusal: failure ?? this.lastRefusal };
  }

  /** The reassembled bundle; refuses while frames are missing or when they do not belong together. */
  bundle(): LoadedBundle {
    const failure = this.decoder.failed();
    if (failure !== null) throw new DomainError({ code: 'QR_CHECKSUM_MISMATCH', message: failure, action: 'Scan again from the start (reset the scan): the frames shown were not all of one bundle, or one was altered.' });
    const progress = this.decoder.progress();
    if (!progress.complete) {
      throw importError(
        'IMPORT_SOURCE_EMPTY',
        progress.fragmentsTotal === 0 ? 'No QR frame of a Conclave bundle has been read yet.' : `The scan is not complete: ${progress.fragmentsKnown} of ${progress.fragmentsTotal} fragments are known.`,
        'Keep the camera on the animated QR code until the scan is complete.',
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = this.decoder.bytes()!;
    } catch (error) {
      if (!(error instanceof CborError)) throw error;
      throw new DomainError({ code: 'QR_PAYLOAD_INVALID', message: `The frames were reassembled, but their content is not a Conclave payload: ${error.message}.`, action: 'These frames were not made by Conclave; ask the sender for the bundle again.' });
    }
    return { bytes, sha256: sha256Hex(bytes), origin: { kind: 'camera', framesUsed: progress.used, framesRead: this.framesRead } };
  }
}
