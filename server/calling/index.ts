/**
 * The calling feature in the branch service (issue #4): counter LED displays, the lobby board,
 * call pads and their HTTP routes. branch-app.ts calls attachCalling() before the server
 * listens (routes) and before the device registry starts (drivers).
 */
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../../config/load-config.js';
import type { Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import type { Logger } from '../logger.js';
import { CallingDevices } from './calling-devices.js';
import { registerCallingRoutes, type LobbySettings } from './routes.js';

export interface CallingOptions {
  http: FastifyInstance;
  service: BranchService;
  auth: Auth;
  registry: DeviceRegistry;
  config: LoadedConfig;
  demo: boolean;
  /** `--display` URIs. */
  displays?: string[];
  log: Logger;
}

export interface Calling {
  devices: CallingDevices;
  settings: LobbySettings;
  stop(): Promise<void>;
}

export function attachCalling(opts: CallingOptions): Calling {
  // Read on each request: the back office changes the notice and voices while the service runs.
  const config = opts.config;
  const settings: LobbySettings = {
    get notice() {
      return config.file.lobby?.notice;
    },
    get voiceLanguages() {
      return config.file.lobby?.voiceLanguages ?? ['zh', 'en'];
    },
    get recentCalls() {
      return config.file.lobby?.recentCalls ?? 8;
    },
  };
  const devices = new CallingDevices({
    service: opts.service,
    registry: opts.registry,
    file: opts.config.file,
    demo: opts.demo,
    displays: opts.displays,
    log: opts.log,
    boardRows: settings.recentCalls,
  });
  registerCallingRoutes(opts.http, { service: opts.service, auth: opts.auth, calling: devices, settings, demo: opts.demo });
  devices.start();
  return { devices, settings, stop: () => devices.stop() };
}
