/**
 * Drivers throw domain errors: a stable code and a message, no HTTP status (the HTTP layer alone
 * maps codes to statuses). One case per code a driver throws.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DomainError } from '../../common/errors.js';
import { callPadProtocols } from '../../drivers/callpad/registry.js';
import { openCardReader } from '../../drivers/cardreader/open-card-reader.js';
import { encodeSamFrame, SAM_MAX_LENGTH } from '../../drivers/cardreader/sam-frame.js';
import { parseDisplayTarget } from '../../drivers/display/open-display.js';
import { displayProtocols } from '../../drivers/display/registry.js';
import { FramedParser } from '../../drivers/display/protocols/framed.js';
import { qrCommands } from '../../drivers/printer/escpos.js';
import { createPrinter } from '../../drivers/printer/index.js';
import { createMemoryCable } from '../../drivers/transport/memory-transport.js';
import { openTransport } from '../../drivers/transport/open-transport.js';
import { parseDeviceUri } from '../../drivers/uri.js';

function domain(code: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DomainError, `DomainError expected, got ${String(e)}`);
    assert.equal('status' in e, false, 'no HTTP status in a driver error');
    assert.equal(e.code, code);
    assert.ok(e.message.length > 10);
    return true;
  };
}

describe('driver errors are domain errors with stable codes', () => {
  it('configuration: BAD_DEVICE_URI, UNKNOWN_DISPLAY_PROTOCOL, UNKNOWN_CALL_PAD_PROTOCOL, BAD_PARSER_OPTIONS', () => {
    assert.throws(() => parseDeviceUri('bogus'), domain('BAD_DEVICE_URI'));
    assert.throws(() => openTransport(parseDeviceUri('sim')), domain('BAD_DEVICE_URI'));
    assert.throws(() => parseDisplayTarget('hid://0801:0002'), domain('BAD_DEVICE_URI'));
    assert.throws(() => openCardReader('tcp://192.0.2.1:9100', { id: 'r' }), domain('BAD_DEVICE_URI'));
    assert.throws(() => displayProtocols.get('acme'), domain('UNKNOWN_DISPLAY_PROTOCOL'));
    assert.throws(() => callPadProtocols.get('acme'), domain('UNKNOWN_CALL_PAD_PROTOCOL'));
    assert.throws(() => new FramedParser({ maxBodyBytes: 0 }), domain('BAD_PARSER_OPTIONS'));
  });

  it('encoding: QR_PAYLOAD_SIZE, SAM_FRAME_TOO_LONG', () => {
    assert.throws(() => qrCommands(''), domain('QR_PAYLOAD_SIZE'));
    assert.throws(() => encodeSamFrame(new Uint8Array(SAM_MAX_LENGTH)), domain('SAM_FRAME_TOO_LONG'));
  });

  it('devices: DEVICE_OFFLINE, PRINT_FAILED', async () => {
    const cable = createMemoryCable();
    await assert.rejects(cable.product.write(Uint8Array.of(1)), domain('DEVICE_OFFLINE'));
    const { printer, sim } = createPrinter('sim');
    printer.start();
    await printer.stop();
    await sim?.stop();
    await assert.rejects(printer.print(Uint8Array.of(0x0a)), domain('PRINT_FAILED'));
  });
});
