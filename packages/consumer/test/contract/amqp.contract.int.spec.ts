import { amqpBrokerFixture } from './amqp-broker-fixture.js';
import { describeConsumerContract } from './consumer-contract.js';

// The consumer contract against a real RabbitMQ 3.10 on loopback (one node for the file, ~6 s).
describeConsumerContract(amqpBrokerFixture());
