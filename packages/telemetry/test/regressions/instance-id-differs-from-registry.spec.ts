import { afterEach, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ServiceInstance, ServiceRegistrar } from '@kratos-ts/core';
import { KratosTelemetry } from '@kratos-ts/telemetry';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';
import { KeptSpans } from '../support/kept-spans.js';

// The defect, in every peer: the instance id a registry lists and the `service.instance.id` of the
// telemetry are two different things (OpenTelemetry's serviceInstanceIdDetector draws a random
// UUID of its own; OTEL_RESOURCE_ATTRIBUTES may say anything), so a span cannot be traced back to
// the instance the registry routed to. Here the resource is the application's identity and wins
// over every detector and variable.

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('regression: the instance id in telemetry differs from the one registered', () => {
  it("the spans' service.instance.id is the id the registrar registered, whatever the detectors and OTEL_RESOURCE_ATTRIBUTES say", async () => {
    process.env.OTEL_NODE_RESOURCE_DETECTORS = 'all'; // includes the random serviceinstance detector
    process.env.OTEL_RESOURCE_ATTRIBUTES =
      'service.instance.id=from-env,service.name=from-env,service.version=9.9.9,deployment.environment.name=staging';
    process.env.OTEL_SERVICE_NAME = 'from-otel-service-name';
    const registered: ServiceInstance[] = [];
    const registrar: ServiceRegistrar = {
      register: async (instance) => void registered.push(instance),
      deregister: async () => undefined,
    };
    const exporter = new KeptSpans();
    const vk = virtualKernel({
      options: {
        name: 'greeter',
        version: '1.0.0',
        metadata: { region: 'eu-west-1' },
        afterStart: [() => trace.getTracer('test').startSpan('work').end()],
      },
      servers: [fakeServer({ name: 'api' })],
      registrars: [registrar],
    });
    const telemetry = new KratosTelemetry({
      export: false,
      prometheus: false,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
      scheduler: vk.scheduler,
    }).start(vk.kernel);

    expect(await vk.run(() => vk.signalAt(100))).toEqual({ ok: true });
    expect(await telemetry.shutdown()).toMatchObject({ status: 'flushed' });

    const [instance] = registered;
    expect(instance?.id).toBe(vk.kernel.app.id);
    const work = exporter.getFinishedSpans().find((span) => span.name === 'work');
    await work?.resource.waitForAsyncAttributes?.();
    expect(work?.resource.attributes).toMatchObject({
      'service.instance.id': instance?.id,
      'service.name': 'greeter',
      'service.version': '1.0.0',
      region: 'eu-west-1',
      // What the variable says about other keys still stands.
      'deployment.environment.name': 'staging',
    });
  });
});
