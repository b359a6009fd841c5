/**
 * Makes the Transport a device URI names. `sim` is not handled here: a simulated device needs its
 * simulator on the other end, so callers build it (see drivers/sim).
 */
import { DomainError } from '../../common/errors.js';
import type { DeviceUri } from '../uri.js';
import { SerialTransport } from './serial-transport.js';
import { TcpTransport } from './tcp-transport.js';
import type { ReconnectOptions } from './reconnecting-transport.js';
import type { Transport } from './transport.js';

export function openTransport(uri: DeviceUri, opts: ReconnectOptions = {}): Transport {
  switch (uri.scheme) {
    case 'serial':
      return new SerialTransport({
        ...opts,
        path: uri.path,
        baudRate: uri.baudRate,
        rtscts: uri.params.flow === 'rtscts',
        uri: uri.text,
      });
    case 'tcp':
      return new TcpTransport({ ...opts, host: uri.host, port: uri.port, uri: uri.text });
    default:
      throw new DomainError(
        'BAD_DEVICE_URI',
        `device URI "${uri.text}": ${uri.scheme} is not a byte transport here; use serial:// or tcp:// (sim devices are built by the caller)`,
        { uri: uri.text },
      );
  }
}
