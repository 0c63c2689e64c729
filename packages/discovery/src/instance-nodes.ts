import { redact, type ServiceInstance } from '@kratos-ts/core';
import { describeValue } from '@kratos-ts/core/internal';
import { defaultPortOf } from './default-ports.js';
import type { Node } from './node.js';
import { NODE_WEIGHTS, clampWeight } from './node-weights.js';

/** Something wrong with one instance of a list, for a warning. */
export interface InstanceProblem {
  /** Stable across lists while the problem lasts (no list position in it), so it is warned once. */
  readonly key: string;
  /** What is wrong and what was done about it, naming the instance. */
  readonly message: string;
}

/** What `readInstances` makes of a list: the nodes, and what it skipped or corrected on the way. */
export interface InstanceNodes {
  readonly nodes: Node[];
  readonly problems: InstanceProblem[];
}

/**
 * The nodes of `instances` for `schemes` (see `nodesOf`), never throwing on a malformed list: an
 * element that is not an instance, or whose `endpoints` is not an array, is skipped; an endpoint
 * that is not a URL with a host and a port is skipped; a weight out of range is corrected. Each is
 * reported in `problems`, so the node set can warn about it instead of losing the whole list.
 */
export function readInstances(instances: readonly unknown[], schemes: readonly string[]): InstanceNodes {
  const wanted = new Set(schemes.map((scheme) => scheme.toLowerCase()));
  const seen = new Set<string>();
  const nodes: Node[] = [];
  const problems: InstanceProblem[] = [];
  instances.forEach((element, index) => {
    if (typeof element !== 'object' || element === null) {
      problems.push({
        key: `element:${describeValue(element)}`,
        message: `the list's element #${index} is ${describeValue(element)}, not an instance; it is skipped`,
      });
      return;
    }
    const instance = element as ServiceInstance;
    const label = labelOf(instance, index);
    if (!Array.isArray(instance.endpoints)) {
      problems.push({
        key: `${label}:endpoints`,
        message: `${label} is skipped: its endpoints are ${describeValue(instance.endpoints)}, not an array of URLs`,
      });
      return;
    }
    const weight = readWeight(instance, label, problems);
    for (const raw of instance.endpoints as unknown[]) {
      const parsed = parseEndpoint(raw);
      if (typeof parsed === 'string') {
        problems.push({
          key: `${label}:${String(raw)}`,
          message: `${label}: ${parsed}; that endpoint is skipped`,
        });
        continue;
      }
      if (!wanted.has(parsed.scheme)) continue;
      if (parsed.address === undefined) {
        const why = parsed.host ? `has no port, and ${parsed.scheme} has no default port` : 'has no host';
        problems.push({
          key: `${label}:${String(raw)}`,
          message: `${label}: endpoint "${redact(String(raw))}" ${why}; that endpoint is skipped`,
        });
        continue;
      }
      const endpoint = `${parsed.scheme}://${parsed.address}`;
      if (seen.has(endpoint)) continue;
      seen.add(endpoint);
      nodes.push({ endpoint, address: parsed.address, scheme: parsed.scheme, instance, weight });
    }
  });
  return { nodes, problems };
}

function labelOf(instance: ServiceInstance, index: number): string {
  return typeof instance.id === 'string' && instance.id !== ''
    ? `instance "${instance.id}"`
    : `the instance at #${index} (no id)`;
}

/**
 * The scheme and `host:port` of an endpoint (`address` undefined when it has no host, or no port and
 * no default one), or why it is not a URL at all.
 */
function parseEndpoint(
  raw: unknown,
): { scheme: string; host: boolean; address: string | undefined } | string {
  if (typeof raw !== 'string') return `endpoint ${describeValue(raw)} is not a string`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // An endpoint may carry credentials (`http://user:pw@…`): the message, logged, must not.
    return `endpoint "${redact(raw)}" is not a URL such as "http://10.0.0.5:8000"`;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  // URL leaves a scheme's default port out of `port` (http://h:80 has port ''): it is still a port.
  const port = url.port === '' ? defaultPortOf(scheme) : Number(url.port);
  const host = url.hostname !== '';
  return { scheme, host, address: host && port !== undefined ? `${url.hostname}:${port}` : undefined };
}

function readWeight(instance: ServiceInstance, label: string, problems: InstanceProblem[]): number {
  const metadata: unknown = instance.metadata;
  const raw =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>).weight
      : undefined;
  if (raw === undefined) return NODE_WEIGHTS.default;
  const weight =
    typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  const used = clampWeight(weight);
  if (used !== weight) {
    const why =
      used === NODE_WEIGHTS.default && !(Number.isFinite(weight) && weight > 0)
        ? `is not a finite number > 0, so the default ${NODE_WEIGHTS.default} is used`
        : `is outside ${NODE_WEIGHTS.min}..${NODE_WEIGHTS.max}, so ${used} is used`;
    problems.push({
      key: `${label}:weight:${describeValue(raw)}`,
      message: `${label}: weight ${describeValue(raw)} ${why}`,
    });
  }
  return used;
}
