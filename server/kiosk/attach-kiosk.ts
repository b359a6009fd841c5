/**
 * Everything the lobby kiosk needs from the branch service, wired in one call from the
 * composition root: the ticket printer, card and ID readers with their identity tokens, the
 * reprint and wedge-identity endpoints, the kiosk shell's staff-exit PIN check, the ticket hooks POST /api/tickets uses, and in demo mode
 * the device lab's /api/lab/* endpoints.
 */
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../../config/load-config.js';
import type { Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { CardIdentity, cardReaderUris, segmentLookupFor } from '../card-identity/card-identity.js';
import { registerIdentityRoutes } from '../card-identity/identity-routes.js';
import type { DeviceRegistry } from '../devices.js';
import type { TicketHooks } from '../http/api.js';
import { registerLab } from '../lab/lab-routes.js';
import type { Logger } from '../logger.js';
import { registerPrintRoutes } from '../printing/print-routes.js';
import { registerStaffExitCheck } from './staff-exit-check.js';
import { defaultPublicBaseUrl } from '../printing/public-url.js';
import { printerUri, setupPrinter, type PrinterSetup } from '../printing/setup-printer.js';

export interface KioskOptions {
  http: FastifyInstance;
  service: BranchService;
  auth: Auth;
  devices: DeviceRegistry;
  config: LoadedConfig;
  demo: boolean;
  dataDir: string;
  host: string;
  /** Command-line device URIs; they override the configuration file's. */
  uris?: { printer?: string; cardReaders?: string[] };
  log: Logger;
  /** Head office's public ticket page once the branch is enrolled; it comes before the configured one. */
  publicBaseUrl?: () => string | undefined;
}

export interface Kiosk {
  printer: PrinterSetup;
  cards: CardIdentity;
  /** POST /api/tickets's hooks: identity tokens and printing. */
  ticketHooks: TicketHooks;
  /** The QR code's base URL (config publicBaseUrl, else this service's LAN address). */
  baseUrl(): string;
  /** Tells the kiosk the port the service listens on (known only after listen). */
  listening(port: number): void;
  close(): Promise<void>;
}

export function attachKiosk(o: KioskOptions): Kiosk {
  let port = 0;
  const baseUrl = () => o.publicBaseUrl?.() ?? o.config.file.publicBaseUrl ?? defaultPublicBaseUrl(o.host, port);
  const printer = setupPrinter({
    uri: printerUri(o.uris?.printer, o.config.file.devices.printer, o.demo),
    service: o.service,
    devices: o.devices,
    baseUrl,
    log: o.log,
    template: o.config.file.ticket,
  });
  const cards = new CardIdentity({
    uris: cardReaderUris(o.uris?.cardReaders, o.config.file.devices.cardReader, o.demo),
    dataDir: o.dataDir,
    lookup: segmentLookupFor(o.config.queue, o.config.file.cardLookup),
    service: o.service,
    devices: o.devices,
    log: o.log,
    demo: o.demo,
  });
  registerPrintRoutes(o.http, { service: o.service, auth: o.auth, printing: printer.printing });
  registerIdentityRoutes(o.http, { identity: cards, clock: o.service.clock, kioskAddresses: o.config.file.security.kioskAddresses });
  registerStaffExitCheck(o.http, { auth: o.auth, clock: o.service.clock, kioskAddresses: o.config.file.security.kioskAddresses, log: o.log });
  // The kiosk page draws the on-screen QR code with the same base URL as the printed one.
  o.http.get('/api/kiosk/settings', async () => ({ ticketBaseUrl: baseUrl() }));
  // The start screen in one answer: open or when it opens, the branch notice, whether the
  // printer can print (else the customer is told before tapping), and the services.
  o.http.get('/api/kiosk/status', async () => {
    const p = printer.printing.printer?.status();
    return {
      branch: { name: o.service.queueConfig.branch.name, ...o.service.opening() },
      notice: o.config.file.lobby?.notice ?? null,
      printer: p ? { state: p.state, since: p.since } : { state: 'none' as const },
      services: o.service.servicesView(),
    };
  });
  if (o.demo) registerLab(o.http, { devices: o.devices, ...(printer.sim ? { printer: printer.sim } : {}), cards });

  const ticketHooks: TicketHooks = {
    identity: (token, requestKey) => cards.tokens.check(token, requestKey).segment,
    identityUsed: (token, requestKey) => cards.tokens.markUsed(token, requestKey),
    print: (ticketId) => printer.printing.printIssued(ticketId),
  };
  return {
    printer,
    cards,
    ticketHooks,
    baseUrl,
    listening: (p) => void (port = p),
    async close() {
      await cards.close();
      await printer.close();
    },
  };
}
