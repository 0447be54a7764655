// An OPTIONS ping between two endpoints on loopback: a UAS that answers 200
// and a UAC that sends the request in a client transaction and awaits the answer.
import { createRequest, createResponse } from '@trunkline/sip-parser';
import { SipEndpoint, SipTransport } from '@trunkline/transaction-layer';

const uasTransport = await SipTransport.create({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
const uas = new SipEndpoint(uasTransport);
uas.on('request', ({ request, respond }) => respond(createResponse(request, 200, { toTag: 'uas-1' })));

const uacTransport = await SipTransport.create({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
const uac = new SipEndpoint(uacTransport);

const port = uasTransport.addresses[0]!.port;
const ping = createRequest({
  method: 'OPTIONS',
  uri: `sip:agent@127.0.0.1:${port}`,
  headers: [
    ['Via', `SIP/2.0/UDP ${uacTransport.viaSentBy('udp')};branch=z9hG4bK-${Date.now()};rport`],
    ['Max-Forwards', '70'],
    ['From', '<sip:monitor@127.0.0.1>;tag=m1'],
    ['To', `<sip:agent@127.0.0.1:${port}>`],
    ['Call-ID', `ping-${Date.now()}@127.0.0.1`],
    ['CSeq', '1 OPTIONS'],
  ],
});
const response = await uac.request(ping, { protocol: 'udp', address: '127.0.0.1', port });
console.log(response.status, response.reason); // 200 OK

uac.close();
uas.close();
await Promise.all([uacTransport.close(), uasTransport.close()]);
