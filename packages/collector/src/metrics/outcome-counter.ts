import { Counter, type Registry } from 'prom-client';

/** A counter in `registry` labelled by outcome only, as most of the collector's are. */
export const outcomeCounter = (registry: Registry, name: string, help: string) =>
  new Counter({ name, help, labelNames: ['outcome'] as const, registers: [registry] });
