import { CAPACITY_FLAGS, CapacityInput } from '../capacity-model';
import { flag } from './bench-flags';

const REQUIRED: ReadonlyArray<keyof CapacityInput> = ['tenants', 'messagesPerSecondPerTenant', 'vendorLatencyMs'];

/**
 * The capacity model's input from the command line (`--tenants 100000 --mps 20 --latency-ms 300`). A
 * missing required flag or an unknown one is an error naming it: a mistyped override must not leave
 * its default in place unnoticed.
 */
export function capacityInputFromFlags(): CapacityInput {
  const known: string[] = Object.values(CAPACITY_FLAGS);
  const unknown = process.argv.slice(2).find((arg) => arg.startsWith('--') && !known.includes(arg));
  if (unknown) throw new RangeError(`${unknown} is not a flag of the capacity model (flags: ${known.join(', ')})`);
  const entries = (Object.keys(CAPACITY_FLAGS) as Array<keyof CapacityInput>).map((name) => {
    const value = flag(CAPACITY_FLAGS[name].slice(2), NaN);
    if (Number.isNaN(value) && REQUIRED.includes(name)) throw new RangeError(`${CAPACITY_FLAGS[name]} is required`);
    return [name, Number.isNaN(value) ? undefined : value];
  });
  return Object.fromEntries(entries) as CapacityInput;
}
