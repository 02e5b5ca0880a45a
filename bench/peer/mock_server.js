// The peer row of scripts/bench: @alenon/grpc-mock-server (npm) serving the
// fake's bundled CustomerService with canned answers of the sizes the bare
// server sends (bench/bare_server.cc). Prints "listening on HOST:PORT" like
// the other bench servers, then serves until SIGTERM.
//
//   node bench/peer/mock_server.js PROTO_ROOT PORT
const path = require('path');
const {GrpcMockServer} = require('@alenon/grpc-mock-server');

const [protoRoot, port] = process.argv.slice(2);
if (!protoRoot || !port) {
  console.error('usage: mock_server.js PROTO_ROOT PORT');
  process.exit(2);
}

function customer(i) {
  return {
    id: `6513270e-269e-4d37-b2a7-${100000000000 + i}`,
    email_address: `test.customer${i}@example.com`,
    family_name: 'Customer',
    given_name: 'Test',
    language_code: 'en',
    phone_number: '+4997259173740',
  };
}
const get = {customer: customer(0)};
const list = {
  customers: Array.from({length: 50}, (_, i) => customer(i)),
  next_page_token: 'A'.repeat(96),
};

const server = new GrpcMockServer(`127.0.0.1:${port}`);
server.addService(
    path.join(protoRoot, 'moia/trip/customer/v1/customer.proto'),
    'moia.trip.customer.v1', 'CustomerService', {
      GetCustomer: (call, callback) => callback(null, get),
      ListCustomers: (call, callback) => callback(null, list),
    },
    {includeDirs: [protoRoot, '/usr/include'], keepCase: true});
server.start().then(() => {
  console.log(`listening on 127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
