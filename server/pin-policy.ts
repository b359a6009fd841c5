/**
 * Which PINs a staff account may have: digits only, at least `security.minPinLength` (6 by
 * default, never fewer) and at most 12, and none of the PINs people pick first, which an
 * attacker tries first: one digit repeated (000000), runs (123456, 987654), a short group
 * repeated (121212, 123123), only two different digits (001000), mirrored halves (123321), and
 * the staff id's own digits.
 */
import { DomainError } from '../common/errors.js';

export const MAX_PIN_LENGTH = 12;

/** Why `pin` is refused, or undefined when it is acceptable. */
export function pinWeakness(pin: string, minLength: number, staffId = ''): string | undefined {
  if (!/^\d+$/.test(pin)) return 'A PIN is digits only.';
  if (pin.length < minLength || pin.length > MAX_PIN_LENGTH) return `A PIN is ${minLength} to ${MAX_PIN_LENGTH} digits.`;
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10));
  if (steps.size === 1) {
    const step = [...steps][0];
    if (step === 0) return 'A PIN of one digit repeated is the first one guessed; choose another.';
    if (step === 1 || step === 9) return 'A PIN that counts up or down is the first one guessed; choose another.';
  }
  for (let size = 2; size <= pin.length / 2; size++) {
    if (pin.length % size === 0 && pin.slice(0, size).repeat(pin.length / size) === pin) return 'A PIN that repeats a short group of digits is easy to guess; choose another.';
  }
  if (new Set(digits).size < 3) return 'A PIN of only one or two different digits is easy to guess; choose another.';
  if (pin.length % 2 === 0 && pin.slice(pin.length / 2) === [...pin.slice(0, pin.length / 2)].reverse().join('')) {
    return 'A PIN whose second half mirrors the first is easy to guess; choose another.';
  }
  const idDigits = staffId.replace(/\D/g, '');
  if (idDigits.length >= 3 && (pin.includes(idDigits) || idDigits.includes(pin))) return 'A PIN must not contain the staff id.';
  return undefined;
}

export function assertStrongPin(pin: string, minLength: number, staffId?: string): void {
  const why = pinWeakness(pin, minLength, staffId);
  if (why) throw new DomainError('WEAK_PIN', why);
}
