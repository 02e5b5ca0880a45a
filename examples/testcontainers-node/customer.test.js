// The customer-fake image in a Node test with Testcontainers: one container
// for the file, started before the tests and removed after them, and MOIA's
// customer guide against its mapped port with @grpc/grpc-js.
//
//   CUSTOMER_FAKE_IMAGE=customer-fake:1.0.0 npm test
//
// Testcontainers needs a Docker API: Docker's, or podman's
// (`podman system service`, DOCKER_HOST=unix:///...; scripts/testcontainers-check
// does that).
const { after, before, test } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");
const { GenericContainer, Wait } = require("testcontainers");

const IMAGE = process.env.CUSTOMER_FAKE_IMAGE || "customer-fake:latest";
const PROTOS = process.env.CUSTOMER_FAKE_PROTOS || path.join(__dirname, "..", "..", "protos");

let container;
let client;
const metadata = new grpc.Metadata();
metadata.set("authorization", "Bearer example-token"); // any bearer token by default

// A promise for one unary call.
const call = (method, request) =>
  new Promise((resolve, reject) =>
    client[method](request, metadata, (error, response) => (error ? reject(error) : resolve(response))));

before(async () => {
  container = await new GenericContainer(IMAGE)
    // 8080 (the token endpoint) too: the image exposes it, and podman's
    // Docker API lists it among the bindings Testcontainers waits for.
    .withExposedPorts(50051, 8080)
    .withEnvironment({ CUSTOMER_FAKE_SCENARIO: "/scenarios/default.yaml" })
    // The fake's first line on stdout once it serves.
    .withWaitStrategy(Wait.forLogMessage(/^listening on /m))
    .start();
  const definition = protoLoader.loadSync("moia/trip/customer/v1/customer.proto", {
    includeDirs: [PROTOS],
    keepCase: true,
  });
  const { CustomerService } = grpc.loadPackageDefinition(definition).moia.trip.customer.v1;
  client = new CustomerService(
    `${container.getHost()}:${container.getMappedPort(50051)}`,
    grpc.credentials.createInsecure());
});

after(async () => {
  client?.close();
  await container?.stop();
});

test("the guide: create, get, flags, list, delete", async () => {
  const { customer } = await call("CreateCustomer", {
    email_address: "test-customer@moia.io",
    family_name: "Customer",
    given_name: "Test",
    language_code: "en",
    phone_number: "+4997259173740",
  });
  assert.match(customer.id, /^[0-9a-f-]{36}$/);
  const got = await call("GetCustomer", { id: customer.id });
  assert.equal(got.customer.given_name, "Test");

  await call("AddCustomerFlag", { customer_id: customer.id, flag: "WHEELCHAIR_ACCESS_NEEDED" });
  const flags = await call("ListCustomerFlags", { customer_id: customer.id, page_size: 5 });
  assert.deepEqual(flags.flags, ["WHEELCHAIR_ACCESS_NEEDED"]);

  const page = await call("ListCustomers", { page_size: 5 });
  assert.equal(page.customers.length, 5);
  assert.notEqual(page.next_page_token, "");

  await call("DeleteCustomer", { id: customer.id });
  await assert.rejects(call("GetCustomer", { id: customer.id }),
    (error) => error.code === grpc.status.NOT_FOUND);
});

test("an invalid phone number is INVALID_ARGUMENT", async () => {
  await assert.rejects(
    call("CreateCustomer", {
      email_address: "x@moia.io", family_name: "X", given_name: "Y",
      language_code: "en", phone_number: "0123",
    }),
    (error) => error.code === grpc.status.INVALID_ARGUMENT);
});
