import 'reflect-metadata';
import { Container } from 'inversify';
import { InMemoryRegistry, KRATOS_OPTIONS, kratosModule, LifecycleKernel, REGISTRAR, SERVER } from '@kratos-ts/core';
import { HttpServer } from '@kratos-ts/http';

const container = new Container();
container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', version: '1.0.0', drainDelay: 2_000 });
container.bind(REGISTRAR).toConstantValue(new InMemoryRegistry());
container.bind(SERVER).toConstantValue(new HttpServer({ host: process.env.HOST, port: Number(process.env.PORT ?? 8000), handler: (req, res) => res.end('hello') }));
container.load(kratosModule);
await container.get(LifecycleKernel).run(); // /readyz is 200 while running, 503 from the first instant of stopping
