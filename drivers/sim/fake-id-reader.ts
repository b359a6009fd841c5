/**
 * The device end of the SAM ID-card protocol: answers find / select / read base info with the
 * card you put on it, or "no card". Tests run it on the far end of a pty pair; demo mode wires it
 * to an in-process transport so the lab page can "place an ID card".
 *
 * It follows the public framing (see docs/devices/card-readers.md) but none of the security
 * module's cryptography: the base info is sent in the clear, with a blank photo.
 */
import { encodeBaseData, type IdBaseInfo } from '../cardreader/sam-base-info.js';
import { idCheckChar } from '../cardreader/id-number.js';
import { decodeSamCommand, encodeSamResponse, SamCommand, SamFrameParser, SamStatus } from '../cardreader/sam-frame.js';

/** Anything bytes can be written to and read from: a SerialPort, a Transport, a test stream. */
export interface ByteLink {
  write(bytes: Buffer): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off?(event: 'data', listener: (chunk: Buffer) => void): unknown;
  removeListener?(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/**
 * A made-up but well-formed card, for demos and tests. Give `idNumber` as 17 digits to have the
 * check character added, or as 18 characters to use it as is (e.g. to test a misread).
 */
export function sampleIdCard(overrides: Partial<IdBaseInfo> = {}): IdBaseInfo {
  const first17 = overrides.idNumber?.slice(0, 17) ?? '11010519491231002';
  return {
    name: '张三',
    sex: '1',
    nation: '01',
    birth: first17.slice(6, 14),
    address: '北京市东城区示例街道1号',
    issuer: '北京市公安局东城分局',
    validFrom: '20200101',
    validTo: '20400101',
    ...overrides,
    idNumber: overrides.idNumber?.length === 18 ? overrides.idNumber : first17 + idCheckChar(first17),
  };
}

const same = (a: number, b: number, c: readonly [number, number]) => a === c[0] && b === c[1];

export class FakeIdReader {
  private card: IdBaseInfo | undefined;
  private selected = false;
  private corruptNext = 0;
  private readonly parser = new SamFrameParser();
  /** Commands received, for tests that want to see the host polling. */
  commands = 0;

  putCard(info: IdBaseInfo): void {
    this.card = info;
    this.selected = false;
  }

  removeCard(): void {
    this.card = undefined;
    this.selected = false;
  }

  get hasCard(): boolean {
    return this.card !== undefined;
  }

  /** The next `n` answers go out with a wrong checksum, as line noise would leave them. */
  corruptNextAnswers(n = 1): void {
    this.corruptNext += n;
  }

  /** Bytes in from the host; returns the bytes to send back. Never throws. */
  receive(chunk: Uint8Array): Buffer[] {
    const answers: Buffer[] = [];
    for (const payload of this.parser.feed(chunk)) {
      const cmd = decodeSamCommand(payload);
      if (!cmd) continue;
      this.commands++;
      const answer = this.answer(cmd.cmd, cmd.para);
      if (this.corruptNext > 0) {
        this.corruptNext--;
        answer[answer.length - 1]! ^= 0xff;
      }
      answers.push(answer);
    }
    return answers;
  }

  /** Serves a link until the returned function is called. */
  attach(link: ByteLink): () => void {
    const onData = (chunk: Buffer) => {
      for (const answer of this.receive(chunk)) {
        // An answer into an unplugged or closing cable is lost, as on a wire; a transport's
        // rejected write must not become an unhandled rejection.
        const sent = link.write(answer);
        if (sent instanceof Promise) sent.catch(() => undefined);
      }
    };
    link.on('data', onData);
    return () => {
      if (link.off) link.off('data', onData);
      else link.removeListener?.('data', onData);
    };
  }

  private answer(cmd: number, para: number): Buffer {
    if (same(cmd, para, SamCommand.FIND_CARD)) {
      return this.card ? encodeSamResponse(SamStatus.CARD_FOUND, new Uint8Array(4)) : encodeSamResponse(SamStatus.NO_CARD);
    }
    if (same(cmd, para, SamCommand.SELECT_CARD)) {
      if (!this.card) return encodeSamResponse(SamStatus.SELECT_FAILED);
      this.selected = true;
      return encodeSamResponse(SamStatus.OK, new Uint8Array(8));
    }
    if (same(cmd, para, SamCommand.READ_BASE)) {
      if (!this.card || !this.selected) return encodeSamResponse(SamStatus.READ_FAILED);
      return encodeSamResponse(SamStatus.OK, encodeBaseData(this.card));
    }
    if (same(cmd, para, SamCommand.READ_SAM_ID)) return encodeSamResponse(SamStatus.OK, new Uint8Array(16));
    if (same(cmd, para, SamCommand.RESET_SAM) || same(cmd, para, SamCommand.SAM_STATUS)) return encodeSamResponse(SamStatus.OK);
    return encodeSamResponse(SamStatus.BAD_COMMAND);
  }
}
