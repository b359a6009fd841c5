/** Command-line options of `npm run serve` and `npm start` (DESIGN §5), validated up front. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DomainError } from '../common/errors.js';
import { parseDeviceUri } from '../drivers/uri.js';

export interface ServeOptions {
  demo: boolean;
  port: number;
  host: string;
  dataDir: string;
  configPath?: string;
  printer?: string;
  cardReaders: string[];
  displays: string[];
  logFormat: 'pretty' | 'json';
  logLevel: string;
  ticketRateLimitPerMinute?: number;
  /** Head office (DESIGN §6): its URL, a one-time enrollment code, a private CA's certificate. */
  hq?: { url: string; enrollCode?: string; caFile?: string };
}

export const USAGE = `Usage: npm run serve -- [--demo] [--port PORT] [--data DIR] [--config FILE]
                        [--printer URI] [--card-reader URI ...] [--display URI ...]
                        [--host ADDR] [--log pretty|json] [--log-level LEVEL]

  --demo           seed the demo branch and staff when DIR is new; simulated devices by default
  --port PORT      HTTP port (default 8080; 0 picks a free one)
  --host ADDR      address to listen on (default 0.0.0.0: the branch LAN)
  --data DIR       data folder: database, credentials (default ./data)
  --config FILE    branch configuration, YAML or JSON (default: the demo branch)
  --printer URI    e.g. serial:///dev/ttyUSB0?baud=115200, tcp://192.0.2.10:9100, sim
  --log FORMAT     pretty (default on a terminal) or json
  --hq URL         sync with head office at URL (https; http only on this machine)
  --enroll CODE    one-time code from head office (npm run hq -- enroll); needed once
  --hq-ca FILE     certificate (PEM) of the authority that signed head office's certificate`;

export function parseServeOptions(argv: string[], defaults: Partial<ServeOptions> = {}): ServeOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        config: { type: 'string' },
        printer: { type: 'string' },
        'card-reader': { type: 'string', multiple: true },
        display: { type: 'string', multiple: true },
        log: { type: 'string' },
        'log-level': { type: 'string' },
        'ticket-rate-limit': { type: 'string' },
        hq: { type: 'string' },
        enroll: { type: 'string' },
        'hq-ca': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new DomainError('BAD_ARGUMENTS', `${(e as Error).message}\n\n${USAGE}`);
  }
  if (values.help) throw new DomainError('HELP', USAGE, 0);
  const port = values.port === undefined ? (defaults.port ?? 8080) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DomainError('BAD_ARGUMENTS', `--port must be 0–65535, not "${String(values.port)}"`);
  const logFormat = (values.log as string | undefined) ?? defaults.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') throw new DomainError('BAD_ARGUMENTS', '--log must be pretty or json');
  const rate = values['ticket-rate-limit'] === undefined ? undefined : Number(values['ticket-rate-limit']);
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) throw new DomainError('BAD_ARGUMENTS', '--ticket-rate-limit must be a positive whole number per minute');
  const printer = (values.printer as string | undefined) ?? defaults.printer;
  const cardReaders = (values['card-reader'] as string[] | undefined) ?? defaults.cardReaders ?? [];
  const displays = (values.display as string[] | undefined) ?? defaults.displays ?? [];
  for (const uri of [printer, ...cardReaders, ...displays]) if (uri) parseDeviceUri(uri);
  if ((values.enroll || values['hq-ca']) && !values.hq) throw new DomainError('BAD_ARGUMENTS', `--enroll and --hq-ca need --hq URL\n\n${USAGE}`);
  const hq = values.hq
    ? { url: values.hq as string, enrollCode: values.enroll as string | undefined, caFile: values['hq-ca'] === undefined ? undefined : resolve(values['hq-ca'] as string) }
    : defaults.hq;
  return {
    demo: Boolean(values.demo ?? defaults.demo ?? false),
    port,
    host: (values.host as string | undefined) ?? defaults.host ?? '0.0.0.0',
    dataDir: resolve((values.data as string | undefined) ?? defaults.dataDir ?? 'data'),
    configPath: values.config === undefined ? defaults.configPath : resolve(values.config as string),
    printer,
    cardReaders,
    displays,
    logFormat,
    logLevel: (values['log-level'] as string | undefined) ?? defaults.logLevel ?? 'info',
    ticketRateLimitPerMinute: rate,
    hq,
  };
}
