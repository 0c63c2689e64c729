import { expect } from '@jest/globals';
import { Observable, Subject } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import {
  LifecycleKernel,
  type KratosOptions,
  type LifecycleEvent,
  type LogFn,
  type Logger,
  type NamedHook,
  type SignalSource,
  type UncaughtError,
  type UncaughtErrorSource,
} from '../../src/index.js';
import type { FakeStep } from './fake-server.js';
import { FakeRegistrar } from './fake-registrar.js';
import { FakeServer } from './fake-server.js';

export interface ServerSpec {
  readonly name: string;
  readonly start?: FakeStep;
  readonly stop?: FakeStep;
  readonly startTimeout?: number;
  readonly stopTimeout?: number;
  readonly endpoint?: string;
}

export interface RegistrarSpec {
  readonly name: string;
  readonly register?: FakeStep;
  readonly deregister?: FakeStep;
}

export interface HarnessSpec {
  readonly options?: KratosOptions;
  readonly servers?: readonly ServerSpec[];
  readonly registrars?: readonly RegistrarSpec[];
  readonly hooks?: readonly NamedHook[];
}

/** What `run()` did, once settled. */
export type RunError = Error & { code?: string; errors?: readonly unknown[]; cause?: unknown };
export type RunResult = { readonly ok: true } | { readonly ok: false; readonly error: RunError };

/**
 * A kernel wired to fakes in virtual time: a TestScheduler, fake servers and registrars, a
 * signal source and an uncaught-error source the test drives, a recording logger, exit function
 * and exit-code setter, and a timeline of `"<virtual ms> <what>"` lines.
 */
export class KernelHarness {
  readonly scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  readonly timeline: string[] = [];
  readonly events: LifecycleEvent[] = [];
  readonly logs: { level: string; msg: string }[] = [];
  readonly exits: number[] = [];
  /** Every exit code the kernel set (without exiting). */
  readonly exitCodes: number[] = [];
  readonly signals = new Subject<NodeJS.Signals>();
  readonly uncaughtErrors = new Subject<UncaughtError>();
  readonly servers: FakeServer[];
  readonly registrars: FakeRegistrar[];
  readonly kernel: LifecycleKernel;
  listening: readonly NodeJS.Signals[] | undefined;
  /** Whether the kernel listens to uncaught errors now. */
  hearsUncaughtErrors = false;
  /** How many times the kernel subscribed to uncaught errors. */
  uncaughtSubscriptions = 0;

  constructor(spec: HarnessSpec = {}) {
    const record = (what: string): void => void this.timeline.push(`${this.scheduler.now()} ${what}`);
    this.servers = (spec.servers ?? []).map(
      (s) =>
        new FakeServer(
          s.name,
          this.scheduler,
          record,
          s.start,
          s.stop,
          s.endpoint ?? `fake://127.0.0.1/${s.name}`,
        ),
    );
    this.registrars = (spec.registrars ?? []).map(
      (r) => new FakeRegistrar(r.name, this.scheduler, record, r.register, r.deregister),
    );
    const signalSource: SignalSource = (signals) =>
      new Observable<NodeJS.Signals>((subscriber) => {
        this.listening = signals;
        record(`signals on ${signals.join(',')}`);
        const subscription = this.signals.subscribe(subscriber);
        return () => {
          this.listening = undefined;
          record('signals off');
          subscription.unsubscribe();
        };
      });
    const uncaughtErrorSource: UncaughtErrorSource = () =>
      new Observable<UncaughtError>((subscriber) => {
        this.hearsUncaughtErrors = true;
        this.uncaughtSubscriptions += 1;
        const subscription = this.uncaughtErrors.subscribe(subscriber);
        return () => {
          this.hearsUncaughtErrors = false;
          subscription.unsubscribe();
        };
      });
    const log =
      (level: string): LogFn =>
      (objOrMsg: object | string, msg?: string) =>
        void this.logs.push({ level, msg: typeof objOrMsg === 'string' ? objOrMsg : (msg ?? '') });
    const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    this.kernel = new LifecycleKernel({
      options: spec.options ?? { name: 'test', signals: ['SIGTERM', 'SIGINT'] },
      servers: (spec.servers ?? []).map((s, i) => ({
        name: s.name,
        server: this.servers[i],
        startTimeout: s.startTimeout,
        stopTimeout: s.stopTimeout,
      })),
      registrars: this.registrars.map((registrar) => ({ name: registrar.name, registrar })),
      hooks: spec.hooks ?? [],
      scheduler: this.scheduler,
      logger,
      signalSource,
      uncaughtErrorSource,
      exit: (code) => void this.exits.push(code),
      setExitCode: (code) => void this.exitCodes.push(code),
    });
    this.kernel.events$.subscribe((event) => {
      this.events.push(event);
      if (event.type === 'state') record(`state ${event.state}`);
    });
  }

  /** Records a line in the timeline at the current virtual time. */
  mark(what: string): void {
    this.timeline.push(`${this.scheduler.now()} ${what}`);
  }

  /** Does `action` at virtual time `ms`. Call inside `run()`'s callback. */
  at(ms: number, action: () => void): void {
    this.scheduler.schedule(action, ms);
  }

  /** Sends an OS signal at virtual time `ms`. */
  signalAt(ms: number, signal: NodeJS.Signals = 'SIGTERM'): void {
    this.at(ms, () => this.signals.next(signal));
  }

  /** Reports an uncaught error at virtual time `ms`, as the process would. */
  uncaughtAt(ms: number, error: unknown, origin: UncaughtError['origin'] = 'uncaughtException'): void {
    this.at(ms, () => this.uncaughtErrors.next({ origin, error }));
  }

  /** Runs the kernel to the end in virtual time; `during` schedules what happens meanwhile. */
  async run(during: (helpers: RunHelpers) => void = () => undefined): Promise<RunResult> {
    let settled!: Promise<RunResult>;
    this.scheduler.run((helpers) => {
      settled = this.kernel.run().then(
        () => ({ ok: true }) as const,
        (error: RunError) => ({ ok: false, error }) as const,
      );
      during(helpers);
    });
    return settled;
  }

  /** The timeline lines that mention `what`. */
  linesWith(what: string): string[] {
    return this.timeline.filter((line) => line.includes(what));
  }

  /** The virtual time of the first timeline line equal to `<ms> <what>`, or -1. */
  timeOf(what: string): number {
    const line = this.timeline.find((l) => l.slice(l.indexOf(' ') + 1) === what);
    return line === undefined ? -1 : Number(line.slice(0, line.indexOf(' ')));
  }
}

/** A hook for `HarnessSpec.hooks` that records itself and behaves as `step` says. */
export function namedHook(
  harness: () => KernelHarness,
  phase: NamedHook['phase'],
  name: string,
  step: { ms?: number; fails?: Error; hangs?: boolean; onAbort?: 'reject' | 'resolve' | 'ignore' } = {},
): NamedHook {
  return {
    phase,
    name,
    run: ({ signal }) => {
      const h = harness();
      h.mark(`${name} ${signal.aborted ? 'aborted-at-start' : 'live'}`);
      return new Observable<void>((subscriber) => {
        const onAbort = (): void => {
          h.mark(`${name} aborted`);
          if ((step.onAbort ?? 'reject') === 'reject') subscriber.error(signal.reason);
          else if (step.onAbort === 'resolve') subscriber.complete();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const timer = step.hangs
          ? undefined
          : h.scheduler.schedule(() => {
              h.mark(`${name} done`);
              if (step.fails) subscriber.error(step.fails);
              else subscriber.complete();
            }, step.ms ?? 0);
        return () => {
          signal.removeEventListener('abort', onAbort);
          timer?.unsubscribe();
        };
      });
    },
  };
}
