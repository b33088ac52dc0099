import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import {
  tlsClientOptions,
  tlsServerOptions,
  type TlsClientIdentityOptions,
  type TlsIdentityOptions,
  type Credentials,
} from '../../../src/identity/index.ts';
import { strangerPki, testPki } from './helpers.ts';

interface Handshake {
  readonly client: TLSSocket;
  readonly server: TLSSocket;
}

/** Starts a real TLS server on loopback, connects a client, returns both sockets. */
async function handshake(
  host: Credentials,
  serverOptions: TlsIdentityOptions,
  user: Credentials,
  clientOptions: TlsClientIdentityOptions,
): Promise<Handshake> {
  const server = createServer(tlsServerOptions(host, serverOptions));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const accepted = new Promise<TLSSocket>((resolve, reject) => {
    server.once('secureConnection', resolve);
    server.once('tlsClientError', reject);
  });
  const client = connect({ ...tlsClientOptions(user, clientOptions), host: '127.0.0.1', port });
  client.on('error', () => undefined); // the server's refusal is asserted through `accepted`
  try {
    const [serverSocket] = await Promise.all([accepted, once(client, 'secureConnect')]);
    return { client, server: serverSocket };
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    server.close();
  }
}

function close(sockets: Handshake): void {
  sockets.client.destroy();
  sockets.server.destroy();
}

function peerFingerprint(socket: TLSSocket): string | undefined {
  const peer = socket.getPeerX509Certificate();
  return peer instanceof X509Certificate ? peer.fingerprint256 : undefined;
}

describe('TLS options from an identity', () => {
  test('host server side and user client side complete a TLS 1.3 handshake with both certificates', async () => {
    const { ca, host, alice } = await testPki();
    const sockets = await handshake(host, { trustedCas: [ca.certificate] }, alice, {
      servername: 'mx.example.com',
    });
    try {
      assert.equal(sockets.client.getProtocol(), 'TLSv1.3');
      assert.equal(peerFingerprint(sockets.client), host.certificate.fingerprint256);
      assert.equal(peerFingerprint(sockets.server), alice.certificate.fingerprint256);
      // The stack judged nothing (rejectUnauthorized off) but still reports the chain result.
      assert.equal(sockets.server.authorized, true, 'chains to the CA named in trustedCas');
    } finally {
      close(sockets);
    }
  });

  test("with rejectUnauthorized the TLS stack itself checks the server's chain and name", async () => {
    const { ca, host, alice } = await testPki();
    const sockets = await handshake(host, {}, alice, {
      servername: 'mx.example.com',
      trustedCas: [ca.certificate],
      rejectUnauthorized: true,
    });
    try {
      assert.equal(sockets.client.authorized, true);
    } finally {
      close(sockets);
    }
    await assert.rejects(
      handshake(host, {}, alice, {
        servername: 'other.example.com',
        trustedCas: [ca.certificate],
        rejectUnauthorized: true,
      }),
      { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    );
  });

  test('a server requiring a known CA refuses a client certificate from a stranger', async () => {
    const { ca, host } = await testPki();
    const stranger = await strangerPki();
    await assert.rejects(
      handshake(host, { trustedCas: [ca.certificate], rejectUnauthorized: true }, stranger.user, {
        servername: 'mx.example.com',
      }),
    );
  });

  test('a client without the identity layer sees an untrusted server as unauthorized, not refused', async () => {
    const { host, alice } = await testPki();
    const stranger = await strangerPki();
    const sockets = await handshake(host, {}, alice, {
      servername: 'mx.example.com',
      trustedCas: [stranger.ca.certificate],
    });
    try {
      assert.equal(sockets.client.authorized, false);
      assert.equal(peerFingerprint(sockets.client), host.certificate.fingerprint256);
    } finally {
      close(sockets);
    }
  });

  test('the options say TLS 1.3 and ask for the client certificate', async () => {
    const { host, alice } = await testPki();
    const server = tlsServerOptions(host);
    assert.equal(server.minVersion, 'TLSv1.3');
    assert.equal(server.requestCert, true);
    assert.equal(server.rejectUnauthorized, false);
    assert.equal(server.ca, undefined);
    const client = tlsClientOptions(alice, { servername: 'mx.example.com' });
    assert.equal(client.minVersion, 'TLSv1.3');
    assert.match(String(client.cert), /(-----BEGIN CERTIFICATE-----[\s\S]*){2}/);
  });
});
