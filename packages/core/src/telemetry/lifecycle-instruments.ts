import type { Counter, Histogram } from '@opentelemetry/api';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import { lazyInstruments } from './lazy-instruments.js';

/** The instrumentation scope of the kernel's spans and metrics. */
export const CORE_SCOPE = '@kratos-ts/core';

const STATES: readonly LifecycleState[] = ['idle', 'starting', 'running', 'stopping', 'stopped', 'failed'];

// Seconds: a hook of a millisecond up to a drain of a minute or two (the API's default buckets are
// made for milliseconds).
const PHASE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The kernel's instruments that are recorded to (the gauges are observed by themselves). */
export interface LifecycleInstruments {
  /** `kratos.lifecycle.phase.duration`, in seconds, attribute `phase`. */
  readonly phaseDuration: Histogram;
  /** `kratos.registry.operations`, attributes `operation` and `outcome`. */
  readonly registryOperations: Counter;
}

// The state the gauges report: the kernel that ran last. A process runs one kernel; reporting
// several at once would give one series two values. Kept after the kernel stopped, so that the
// last export (the SDK's shutdown comes after the stop) reads `stopped` and not ready.
let observedState: (() => LifecycleState) | undefined;

/** Makes the lifecycle gauges report `state()` from now on (the kernel whose `run()` began last). */
export function observeLifecycleState(state: () => LifecycleState): void {
  observedState = state;
}

/**
 * The kernel's instruments on the current meter provider, made again when it changed (so a
 * provider registered after the kernel was built, before `run()`, is the one measured); the
 * observable gauges `kratos.lifecycle.state` and `kratos.lifecycle.ready` are registered with them.
 * `undefined` while no SDK is registered.
 */
export const lifecycleInstruments = lazyInstruments(CORE_SCOPE, (meter): LifecycleInstruments => {
  meter
    .createObservableGauge('kratos.lifecycle.state', {
      description: 'The lifecycle state of the application: 1 for the current state, 0 for the others.',
    })
    .addCallback((result) => {
      const current = observedState?.();
      if (current === undefined) return;
      for (const state of STATES) result.observe(state === current ? 1 : 0, { state });
    });
  meter
    .createObservableGauge('kratos.lifecycle.ready', {
      description: 'Whether the application is ready (running): 1 or 0, as its readiness probe says.',
    })
    .addCallback((result) => {
      const current = observedState?.();
      if (current !== undefined) result.observe(current === 'running' ? 1 : 0);
    });
  return {
    phaseDuration: meter.createHistogram('kratos.lifecycle.phase.duration', {
      description: 'How long each phase of the lifecycle took.',
      unit: 's',
      advice: { explicitBucketBoundaries: PHASE_BUCKETS },
    }),
    registryOperations: meter.createCounter('kratos.registry.operations', {
      description: 'Registrations and deregistrations of the instance, by outcome.',
    }),
  };
});
