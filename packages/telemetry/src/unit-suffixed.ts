import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

// OpenTelemetry's units as Prometheus spells them in a metric name (the OpenTelemetry
// specification's "Prometheus and OpenMetrics compatibility": `s` → `_seconds`, `By` → `_bytes`,
// `m/s` → `_meters_per_second`).
const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};
const PER_UNITS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/**
 * The metric name's unit suffix for `unit`, `''` when it has none: annotations in braces
 * (`{request}`) and the dimensionless `1` add nothing. (The specification turns a gauge's `1` into
 * `_ratio`; left out here so that the 0/1 gauges read `kratos_lifecycle_ready`, as tools expect.)
 */
export function unitSuffix(unit: string): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '' || bare === '1') return '';
  const [numerator = '', denominator] = bare.split('/', 2);
  const head = UNITS[numerator] ?? numerator;
  if (denominator === undefined) return head;
  const tail = PER_UNITS[denominator] ?? UNITS[denominator] ?? denominator;
  return head === '' ? `per_${tail}` : `${head}_per_${tail}`;
}

/**
 * A copy of `collected` whose metric names end with their unit as Prometheus expects it
 * (`http.server.request.duration`, unit `s` → `http_server_request_duration_seconds` once
 * serialized; counters then get `_total` after it). OpenTelemetry JS's Prometheus serializer
 * writes the unit on a `# UNIT` line only; every Prometheus query, dashboard and alert written
 * against OpenTelemetry's conventions uses the suffixed names.
 */
export function unitSuffixed(collected: ResourceMetrics): ResourceMetrics {
  return {
    resource: collected.resource,
    scopeMetrics: collected.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map(withSuffix),
    })),
  };
}

function withSuffix(metric: MetricData): MetricData {
  const suffix = unitSuffix(metric.descriptor.unit);
  if (suffix === '') return metric;
  const { name } = metric.descriptor;
  const sanitized = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  if (sanitized.endsWith(`_${suffix}`) || sanitized.endsWith(`_${suffix}_total`)) return metric;
  return { ...metric, descriptor: { ...metric.descriptor, name: `${name}_${suffix}` } };
}
