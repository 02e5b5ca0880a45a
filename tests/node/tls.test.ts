// MOIA's guide over TLS, as integrators dial MOIA: against a fake started
// with --tls-self-signed DIR, the client changes only the URL and the CA it
// trusts (DIR/ca.pem). tests/clients.sh sets FAKE_TLS_ADDRESS and
// FAKE_TLS_CA.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  ChannelCredentials, ClientError, createChannel, createClientFactory, Status,
} from "nice-grpc";
import { CustomerServiceDefinition } from "./gen/ts/moia/trip/customer/v1/customer";
import { accessToken, CALL_TIMEOUT_MS, deadline, fakeNamespace } from "./fake";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through tests/clients.sh BINARY`);
  return value;
}

const address = requiredEnv("FAKE_TLS_ADDRESS");
// The only change from a plaintext client: the credentials, with the CA.
const channel = createChannel(address, ChannelCredentials.createSsl(readFileSync(requiredEnv("FAKE_TLS_CA"))));
after(() => channel.close());

function clientOn(on: typeof channel, testName: string) {
  return createClientFactory()
    .use(accessToken("guide-access-token"))
    .use(fakeNamespace(`node-tls-${process.pid}-${testName}`))
    .use(deadline(CALL_TIMEOUT_MS))
    .create(CustomerServiceDefinition, on);
}

/** The code a call on `other` fails with. */
async function codeOf(other: typeof channel): Promise<Status> {
  try {
    await clientOn(other, "refused").listCustomers({});
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return error.code;
  } finally {
    other.close();
  }
  throw new Error("the call succeeded, a failure was expected");
}

describe("Over TLS, trusting the fake's CA", () => {
  test("Creating a Customer, then reading it back", async () => {
    const client = clientOn(channel, "create");
    const { customer } = await client.createCustomer({
      emailAddress: "test-customer@moia.io",
      familyName: "Customer",
      givenName: "Test",
      languageCode: "en",
      phoneNumber: "+4997259173740",
    });
    assert.equal(customer?.givenName, "Test");
    const got = await client.getCustomer({ id: customer?.id });
    assert.deepEqual(got.customer, customer);
  });

  test("A client trusting only the system's CAs gets UNAVAILABLE", async () => {
    assert.equal(await codeOf(createChannel(address, ChannelCredentials.createSsl())),
                 Status.UNAVAILABLE);
  });

  test("A plaintext client gets UNAVAILABLE", async () => {
    assert.equal(await codeOf(createChannel(address)), Status.UNAVAILABLE);
  });
});
