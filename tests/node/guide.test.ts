// MOIA's guide "Managing Customers", its TypeScript examples (nice-grpc with
// ts-proto definitions) run against the customer-fake, plus the retry a
// client needs when the service is briefly unavailable.
//
// Every test works in its own fake namespace, so each starts from an empty
// service and none sees another's customers, fault rules or calls.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createChannel, createClientFactory, Status } from "nice-grpc";
import { CustomerServiceDefinition } from "./gen/ts/moia/trip/customer/v1/customer";
import { ControlServiceDefinition } from "./gen/ts/customerfake/control/v1/control";
import {
  accessToken, CALL_TIMEOUT_MS, deadline, failureOf, fakeAddress, fakeNamespace,
  retryUnavailable,
} from "./fake";

const ACCESS_TOKEN = "guide-access-token"; // the fake accepts any bearer token
const customerFlag = "AUTONOMOUS_TRIPS_ALLOWED"; // the guide leaves the flag to the integrator
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const channel = createChannel(fakeAddress());
after(() => channel.close());

/** The guide's client (and the fake's control client) in a fresh namespace. */
function createClients(testName: string) {
  const clientFactory = createClientFactory()
    .use(accessToken(ACCESS_TOKEN))
    .use(fakeNamespace(`node-${process.pid}-${testName}`))
    .use(deadline(CALL_TIMEOUT_MS));
  // Create the Client
  const client = clientFactory.create(CustomerServiceDefinition, channel);
  const control = clientFactory.create(ControlServiceDefinition, channel);
  return { client, control };
}

// Creating a Customer
const guideCustomer = {
  emailAddress: "test-customer@moia.io",
  familyName: "Customer",
  givenName: "Test",
  languageCode: "en",
  phoneNumber: "+4997259173740",
};

describe("Managing Customers", () => {
  test("Creating a Customer returns it with a generated id", async () => {
    const { client } = createClients("create");

    const customer = await client.createCustomer({
      emailAddress: "test-customer@moia.io",
      familyName: "Customer",
      givenName: "Test",
      languageCode: "en",
      phoneNumber: "+4997259173740",
    });
    console.log("Successfully created customer:", JSON.stringify(customer, null, 2));

    assert.match(customer.customer?.id ?? "", UUID_V4);
    assert.deepEqual(customer.customer, { id: customer.customer?.id, ...guideCustomer });

    // "multiple requests with the same Customer data will result in the
    // creation of multiple Customers with different ids"
    const again = await client.createCustomer(guideCustomer);
    assert.notEqual(again.customer?.id, customer.customer?.id);
  });

  test("Listing all Customers, 5 a page, following next_page_token", async () => {
    const { client } = createClients("list");
    const created: string[] = [];
    for (let i = 0; i < 12; i++) {
      const customer = await client.createCustomer(guideCustomer);
      created.push(customer.customer?.id ?? "");
    }

    const listed: string[] = [];
    const pageSizes: number[] = [];
    let pageToken = "";
    do {
      const listCustomersResponse = await client.listCustomers({
        pageSize: 5,
        pageToken,
      });
      console.log(`Successfully listed ${listCustomersResponse.customers.length} customers`);
      pageSizes.push(listCustomersResponse.customers.length);
      listed.push(...listCustomersResponse.customers.map((c) => c.id));
      pageToken = listCustomersResponse.nextPageToken;
    } while (pageToken !== "");

    assert.deepEqual(pageSizes, [5, 5, 2]);
    assert.deepEqual(listed, created); // creation order, none twice, none skipped
  });

  test("Managing Customer Flags: add, list, remove", async () => {
    const { client } = createClients("flags");
    const customer = await client.createCustomer(guideCustomer);

    const addCustomerFlagResponse = await client.addCustomerFlag({
      customerId: customer.customer?.id,
      flag: customerFlag,
    });
    console.log("Successfully added customer flag:", JSON.stringify(addCustomerFlagResponse, null, 2));

    let listCustomerFlagResponse = await client.listCustomerFlags({
      customerId: customer.customer?.id,
    });
    console.log(`Successfully listed ${listCustomerFlagResponse.flags.length} customer flags`);
    assert.deepEqual(listCustomerFlagResponse.flags, [customerFlag]);

    await client.removeCustomerFlag({
      customerId: customer.customer?.id,
      flag: customerFlag,
    });
    console.log("Successfully removed customer flag:", customerFlag);

    listCustomerFlagResponse = await client.listCustomerFlags({
      customerId: customer.customer?.id,
    });
    assert.deepEqual(listCustomerFlagResponse.flags, []);
  });

  test("Deleting a Customer: afterwards it is NOT_FOUND (CUSTOMER_NOT_FOUND)", async () => {
    const { client } = createClients("delete");
    const customer = await client.createCustomer(guideCustomer);

    await client.deleteCustomer({ id: customer.customer?.id });
    console.log(`Successfully removed customer with id ${customer.customer?.id}`);

    const { error, status, errorInfo } = await failureOf((options) =>
      client.getCustomer({ id: customer.customer?.id }, options));
    assert.equal(error.code, Status.NOT_FOUND);
    assert.equal(status?.code, Status.NOT_FOUND); // grpc-status-details-bin agrees
    assert.equal(errorInfo?.reason, "CUSTOMER_NOT_FOUND");
    assert.equal(errorInfo?.domain, "trip-api.moia-group.io");
  });
});

describe("Retrying an unavailable service", () => {
  test("CreateCustomer is retried on UNAVAILABLE until it succeeds", async () => {
    const { client, control } = createClients("retry");
    const { id: ruleId } = await control.addFaultRule({
      yaml: "{method: CreateCustomer, sequence: [" +
        "{code: UNAVAILABLE, retry_delay: 0.1s}, {code: UNAVAILABLE}, {code: OK}]}",
    });

    const customer = await retryUnavailable((options) =>
      client.createCustomer(guideCustomer, options));
    assert.match(customer.customer?.id ?? "", UUID_V4);

    const { calls } = await control.listCalls({ method: "CreateCustomer" });
    assert.deepEqual(calls.map((c) => c.attempt), [1, 2, 3]);
    assert.deepEqual(calls.map((c) => c.code), ["UNAVAILABLE", "UNAVAILABLE", "OK"]);
    assert.deepEqual(calls.slice(0, 2).map((c) => c.faultRule), [ruleId, ruleId]);
    // The client waited the RetryInfo delay (0.1s) of the first error.
    const wait = calls[1].sincePreviousAttempt;
    assert.ok(wait && wait.seconds * 1000 + wait.nanos / 1e6 >= 100,
              `second attempt after ${JSON.stringify(wait)}`);

    const { customers } = await client.listCustomers({});
    assert.deepEqual(customers.map((c) => c.id), [customer.customer?.id]); // created once
  });
});
