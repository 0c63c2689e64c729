import { constants } from 'node:os';
import { HOOK_PHASES } from '../contracts/hook-context.js';
import { KRATOS_DEFAULTS, OPTION_KEYS, type KratosOptions } from '../contracts/kratos-options.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { invalidOptions } from '../errors/invalid-options.js';
import { checkBoolean } from '../options/check-boolean.js';
import { checkDuration } from '../options/check-duration.js';
import { checkEnum } from '../options/check-enum.js';
import { checkKnownKeys } from '../options/check-known-keys.js';
import type { TransportServer } from '../contracts/transport-server.js';
import type { KratosError } from '../errors/kratos-error.js';
import type { RegistrarEntry } from './named-step.js';

/**
 * A server as declared to the kernel, before defaults: its own timeouts may be unset, in which case
 * the app's `startTimeout` and `stopTimeout` apply. `kratosModule` builds these from `@Server()`
 * classes and `SERVER` bindings; `KernelDependencies.servers` takes them directly.
 */
export interface ServerDeclaration {
  /** The name errors and logs use; unique among the app's servers. */
  readonly name: string;
  /**
   * The server. It is still checked at run time (a JavaScript caller may pass anything), so a value
   * without `start` and `stop` fails the start with `KRATOS_INVALID_OPTIONS`.
   */
  readonly server: TransportServer;
  /** How long this server may take to start, in ms. Default: the app's `startTimeout`. */
  readonly startTimeout?: number | undefined;
  /** How long this server may take to stop before its signal aborts, in ms. Default: the app's `stopTimeout`. */
  readonly stopTimeout?: number | undefined;
  /**
   * How long this server keeps serving after deregistration, in ms (`@Server({ drainDelay })`).
   * Default: the server's own `drainDelay` property, else the app's `drainDelay`.
   */
  readonly drainDelay?: number | undefined;
}

const TIMEOUTS = ['startTimeout', 'stopTimeout', 'registrarTimeout', 'hookTimeout'] as const;
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);
const SERVER_METHODS = ['start', 'stop'] as const;
const REGISTRAR_METHODS = ['register', 'deregister'] as const;

/**
 * Checks options, servers and registrars before anything starts. Every problem is reported at
 * once, in one `KRATOS_INVALID_OPTIONS` error, or `undefined` when all is well.
 */
export function validateSetup(
  options: KratosOptions,
  servers: readonly ServerDeclaration[],
  registrars: readonly RegistrarEntry[],
): KratosError | undefined {
  const problems: string[] = [];
  const raw = options as Record<string, unknown>;

  checkKnownKeys(problems, raw, OPTION_KEYS);
  for (const key of ['id', 'name', 'version'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') problems.push(`${key} must be a string`);
  }
  if (raw.id === '') problems.push('id must not be empty: leave it out to get a random UUID');
  if (raw.metadata !== undefined) {
    if (typeof raw.metadata !== 'object' || raw.metadata === null)
      problems.push('metadata must be an object of strings');
    else
      for (const [key, value] of Object.entries(raw.metadata)) {
        if (typeof value !== 'string')
          problems.push(`metadata["${key}"] must be a string, got ${typeof value}`);
      }
  }
  if (raw.endpoints !== undefined) {
    if (!Array.isArray(raw.endpoints)) problems.push('endpoints must be an array of URLs');
    else
      for (const endpoint of raw.endpoints as unknown[]) {
        const text =
          endpoint instanceof URL ? endpoint.href : typeof endpoint === 'string' ? endpoint : undefined;
        if (text === undefined || !URL.canParse(text)) {
          problems.push(
            `endpoint ${JSON.stringify(text ?? typeof endpoint)} is not a URL such as "http://10.0.0.5:8000"`,
          );
        }
      }
  }
  for (const key of TIMEOUTS) checkDuration(problems, key, raw[key], { zero: false });
  checkDuration(problems, 'drainDelay', raw.drainDelay, { zero: true });
  checkBoolean(problems, 'forceExitOnSecondSignal', raw.forceExitOnSecondSignal);
  checkEnum(problems, 'uncaughtErrors', raw.uncaughtErrors, ['stop', 'ignore']);
  checkSignals(problems, raw.signals);
  for (const key of HOOK_PHASES) {
    const hooks = raw[key];
    if (hooks === undefined) continue;
    if (!Array.isArray(hooks)) problems.push(`${key} must be an array of functions`);
    else
      hooks.forEach(
        (hook, i) => typeof hook !== 'function' && problems.push(`${key}[${i}] is not a function`),
      );
  }

  const names = new Map<string, number>();
  for (const declaration of servers) {
    const { name, server } = declaration;
    names.set(name, (names.get(name) ?? 0) + 1);
    const methods = server as Partial<Record<'start' | 'stop', unknown>> | null | undefined;
    for (const method of SERVER_METHODS) {
      if (typeof methods?.[method] !== 'function') {
        problems.push(
          `server "${name}" has no ${method}() method: a TransportServer needs start(signal) and stop(signal)`,
        );
      }
    }
    checkDuration(problems, `server "${name}" startTimeout`, declaration.startTimeout, { zero: false });
    checkDuration(problems, `server "${name}" stopTimeout`, declaration.stopTimeout, { zero: false });
    checkDuration(problems, `server "${name}" drainDelay`, declaration.drainDelay, { zero: true });
    checkDuration(problems, `server "${name}" drainDelay property`, ownDrainDelay(server), { zero: true });
  }
  for (const [name, count] of names) {
    if (count > 1)
      problems.push(
        `${count} servers are named "${name}": give each a unique name with @Server({ name }) or its name property`,
      );
  }

  for (const { name, registrar } of registrars) {
    const methods = registrar as { register?: unknown; deregister?: unknown } | null | undefined;
    for (const method of REGISTRAR_METHODS) {
      if (typeof methods?.[method] !== 'function')
        problems.push(`registrar "${name}" has no ${method}() method`);
    }
  }
  if (registrars.length > 0 && (typeof raw.name !== 'string' || raw.name === '')) {
    problems.push(
      `a registrar is bound (${registrars.map((r) => `"${r.name}"`).join(', ')}) but the app has no name to register under: set KratosOptions.name`,
    );
  }

  if (problems.length === 0) return undefined;
  const subject =
    typeof raw.name === 'string' && raw.name !== '' ? `The application "${raw.name}"` : 'The application';
  return invalidOptions(KratosErrorCode.InvalidOptions, subject, problems);
}

/** The server's own `drainDelay` property (a getter that throws counts as a bad value). */
function ownDrainDelay(server: unknown): unknown {
  if (typeof server !== 'object' || server === null) return undefined;
  try {
    return (server as { drainDelay?: unknown }).drainDelay;
  } catch (error) {
    return error instanceof Error ? `a getter that throws (${error.message})` : 'a getter that throws';
  }
}

function checkSignals(problems: string[], signals: unknown): void {
  if (signals === undefined) return;
  if (!Array.isArray(signals)) {
    problems.push(
      `signals must be an array such as ${JSON.stringify(KRATOS_DEFAULTS.signals)}, or [] to listen to none`,
    );
    return;
  }
  for (const signal of signals) {
    if (typeof signal !== 'string' || !(signal in constants.signals))
      problems.push(`unknown signal "${String(signal)}"`);
    else if (UNCATCHABLE.has(signal))
      problems.push(`${signal} cannot be caught by a process: remove it from signals`);
  }
}
