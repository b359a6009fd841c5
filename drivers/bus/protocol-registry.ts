/**
 * Protocols of one device kind by name (`?protocol=NAME` in the device URI). Each kind keeps
 * one registry (display/registry.ts, callpad/registry.ts) listing its protocol files, so adding a
 * vendor is one file in that kind's protocols/ folder and its name in the list.
 */
import { DomainError } from '../../common/errors.js';

export class ProtocolRegistry<P extends { readonly name: string }> {
  readonly #protocols = new Map<string, P>();
  readonly #what: string;
  readonly #code: string;
  /** The protocol a URI without `protocol=` gets. */
  readonly defaultName: string;

  /**
   * @param what the kind in messages, e.g. "display protocol".
   * @param code the stable error code of an unknown name, e.g. UNKNOWN_DISPLAY_PROTOCOL.
   * @param protocols the kind's protocols; the first is the default.
   */
  constructor(what: string, code: string, protocols: [P, ...P[]]) {
    this.#what = what;
    this.#code = code;
    this.defaultName = protocols[0].name;
    for (const p of protocols) this.register(p);
  }

  /** Adds a protocol (or replaces one of the same name), e.g. a site-specific vendor adapter. */
  register(protocol: P): void {
    this.#protocols.set(protocol.name, protocol);
  }

  names(): string[] {
    return [...this.#protocols.keys()];
  }

  /** The protocol of that name; the default without one. Throws the registry's code otherwise. */
  get(name: string = this.defaultName): P {
    const protocol = this.#protocols.get(name);
    if (!protocol) {
      throw new DomainError(this.#code, `${this.#what} "${name}" is not known; use one of: ${this.names().join(', ')}`, {
        protocol: name,
        known: this.names(),
      });
    }
    return protocol;
  }
}
