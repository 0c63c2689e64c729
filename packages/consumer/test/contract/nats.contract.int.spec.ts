import { natsBrokerFixture } from './nats-broker-fixture.js';
import { describeConsumerContract } from './consumer-contract.js';

// The consumer contract against a real nats-server 2.9 -js on loopback (one for the file).
describeConsumerContract(natsBrokerFixture());
