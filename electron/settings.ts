/**
 * The kiosk shell's settings: a YAML file that IT installs (/etc/branch-queue/kiosk.yaml on
 * Linux, %ProgramData%\BranchQueue\kiosk.yaml on Windows, or --settings FILE), then the command
 * line on top. Checked with a schema when the shell starts; a mistake names the field. Anything
 * after `--` is passed to the branch service unchanged (e.g. device URIs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KIOSK_KEY_FILE_NAME, KioskKeyError, keyFileReadableByOthers, readKioskKey, type KioskKey } from './kiosk-key.js';
import type { ScreenChoice } from './screens.js';

const settingsSchema = z
  .object({
    service: z
      .object({
        /** The compiled service's entry; default: dist/server/main.js beside the shell. */
        entry: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).default(8080),
        /** The LAN address teller PCs and lobby TVs reach; 127.0.0.1 keeps the service to this PC. */
        host: z.string().min(1).default('0.0.0.0'),
        /** Data folder (database, credentials); default: the data folder in the app's user data. */
        data: z.string().min(1).optional(),
        /** The branch configuration file (YAML or JSON). */
        config: z.string().min(1).optional(),
        demo: z.boolean().default(false),
        /** More `npm run serve` options, e.g. ["--printer", "serial:///dev/ttyUSB0?baud=115200"]. */
        args: z.array(z.string()).default([]),
        startTimeoutSeconds: z.number().int().min(5).max(600).default(60),
      })
      .strict()
      .prefault({}),
    screens: z
      .object({
        /** auto (the touch screen, else the primary), primary, or part of a screen's name. */
        kiosk: z.string().min(1).default('auto'),
        /** auto (the largest other screen), off, or part of a screen's name. */
        lobby: z.string().min(1).default('auto'),
      })
      .strict()
      .prefault({}),
    kioskKey: z
      .object({
        /** The enrolled kiosk's key file; default: kiosk-key.json in the app's user data. */
        file: z.string().min(1).optional(),
        /** true: the kiosk does not start without its key (set once the kiosk is enrolled). */
        required: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** true: the locked kiosk. false: ordinary windows with developer tools (never on a branch kiosk). */
    kiosk: z.boolean().default(true),
    /** Start the kiosk when its user logs in. */
    autostart: z.boolean().default(true),
  })
  .strict();

export type ShellSettings = z.infer<typeof settingsSchema>;

export interface ShellConfig {
  settingsFile: string | undefined;
  serviceEntry: string;
  serviceArgs: string[];
  dataDir: string;
  kioskMode: boolean;
  autostart: boolean;
  screens: ScreenChoice;
  startTimeoutMs: number;
  /** Where the kiosk's key is kept, and the key once the kiosk is enrolled. */
  kioskKeyFile?: string;
  kioskKey?: KioskKey;
  kioskKeyReadableByOthers?: boolean;
}

export class SettingsError extends Error {
  constructor(
    message: string,
    readonly code: 'BAD_SETTINGS' | KioskKeyError['code'] = 'BAD_SETTINGS',
  ) {
    super(message);
  }
}

export const SHELL_USAGE = `Usage: branch-queue-kiosk [--settings FILE] [--service FILE] [--data DIR] [--config FILE]
                          [--port N] [--demo] [--windowed | --kiosk] [--kiosk-screen NAME]
                          [--lobby-screen NAME|off] [--no-autostart] [-- SERVICE OPTIONS...]`;

export function defaultSettingsFile(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'BranchQueue', 'kiosk.yaml');
  return '/etc/branch-queue/kiosk.yaml';
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
}

export function loadShellConfig(
  argv: string[],
  env: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; userData: string; mainDir: string; cwd: string },
): ShellConfig {
  const dashDash = argv.indexOf('--');
  const own = dashDash >= 0 ? argv.slice(0, dashDash) : argv;
  const passThrough = dashDash >= 0 ? argv.slice(dashDash + 1) : [];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: own,
      strict: true,
      allowPositionals: false,
      options: {
        settings: { type: 'string' },
        service: { type: 'string' },
        data: { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string' },
        demo: { type: 'boolean' },
        windowed: { type: 'boolean' },
        kiosk: { type: 'boolean' },
        'kiosk-screen': { type: 'string' },
        'lobby-screen': { type: 'string' },
        'no-autostart': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new SettingsError(`${(e as Error).message}\n${SHELL_USAGE}`);
  }
  const explicit = typeof values.settings === 'string' ? resolve(env.cwd, values.settings) : undefined;
  const file = explicit ?? defaultSettingsFile(env.platform, env.env);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (e) {
      throw new SettingsError(`${file} is not valid YAML: ${(e as Error).message}`);
    }
  } else if (explicit) {
    throw new SettingsError(`The settings file ${explicit} does not exist.`);
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) throw new SettingsError(`${file}: ${describe(parsed.error)}`);
  const s = parsed.data;

  const port = values.port === undefined ? s.service.port : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SettingsError(`--port must be 1–65535, not "${String(values.port)}"`);
  const path = (p: string) => (isAbsolute(p) ? p : resolve(env.cwd, p));
  const dataDir = path((values.data as string | undefined) ?? s.service.data ?? join(env.userData, 'data'));
  const config = (values.config as string | undefined) ?? s.service.config;
  const demo = Boolean(values.demo) || s.service.demo;
  const serviceArgs = [
    '--port',
    String(port),
    '--host',
    s.service.host,
    '--data',
    dataDir,
    '--log',
    'json',
    ...(config ? ['--config', path(config)] : []),
    ...(demo ? ['--demo'] : []),
    ...s.service.args,
    ...passThrough,
  ];
  const kioskKeyFile = s.kioskKey.file ? path(s.kioskKey.file) : join(env.userData, KIOSK_KEY_FILE_NAME);
  let kioskKey: KioskKey | undefined;
  try {
    kioskKey = readKioskKey(kioskKeyFile, s.kioskKey.required);
  } catch (e) {
    if (e instanceof KioskKeyError) throw new SettingsError(e.message, e.code);
    throw e;
  }
  return {
    settingsFile: existsSync(file) ? file : undefined,
    serviceEntry: path((values.service as string | undefined) ?? s.service.entry ?? join(env.mainDir, '..', 'server', 'main.js')),
    serviceArgs,
    dataDir,
    kioskMode: values.windowed ? false : values.kiosk ? true : s.kiosk,
    autostart: values['no-autostart'] ? false : s.autostart,
    screens: { kiosk: (values['kiosk-screen'] as string | undefined) ?? s.screens.kiosk, lobby: (values['lobby-screen'] as string | undefined) ?? s.screens.lobby },
    startTimeoutMs: s.service.startTimeoutSeconds * 1000,
    kioskKeyFile,
    ...(kioskKey ? { kioskKey, kioskKeyReadableByOthers: keyFileReadableByOthers(kioskKeyFile, env.platform) } : {}),
  };
}

// Switches meant for Chromium or Node (given by a launcher, a test driver or a Linux desktop), not for the shell.
const ENGINE_SWITCH = /^--(no-sandbox|inspect(-brk)?|remote-debugging-port|remote-debugging-pipe|enable-logging|v|vmodule|disable-gpu[a-z-]*|ozone-platform[a-z-]*|enable-features|disable-features|use-gl|use-angle|disable-dev-shm-usage|user-data-dir|lang|force-device-scale-factor)(=|$)/;

/**
 * The shell's own arguments from process.argv: after the executable (packaged) or after the
 * main script (`electron dist/electron/main.js …`), without Chromium's and Node's switches.
 */
export function shellArgv(argv: string[], isPackaged: boolean, entryPaths: string[], cwd: string): string[] {
  let rest: string[];
  if (isPackaged) rest = argv.slice(1);
  else {
    const at = argv.findIndex((a, i) => i > 0 && !a.startsWith('-') && entryPaths.includes(resolve(cwd, a)));
    rest = at >= 0 ? argv.slice(at + 1) : argv.slice(2);
  }
  const dashDash = rest.indexOf('--');
  const own = dashDash >= 0 ? rest.slice(0, dashDash) : rest;
  return [...own.filter((a) => !ENGINE_SWITCH.test(a)), ...(dashDash >= 0 ? rest.slice(dashDash) : [])];
}
