/**
 * The server certificate of go-plugin's AutoMTLS (hashicorp/go-plugin v1.7.0 server.go and mtls.go, the version
 * OpenTofu v1.12.6 pins): a fresh self-signed certificate per start, which the handshake line hands OpenTofu as
 * base64 DER. OpenTofu trusts exactly that certificate and checks it for ServerName `localhost`, so it carries
 * SAN DNS:localhost and both TLS usages, like go-plugin's own generateCert.
 *
 * Library: @peculiar/x509 (TypeScript, maintained by PeculiarVentures, no native code), over Node's WebCrypto:
 * Node's crypto makes keys but cannot write X.509 certificates. Chosen over `selfsigned` because it sets each
 * extension explicitly (the ones go-plugin's client checks) and signs with ECDSA P-256 / SHA-256 through WebCrypto.
 */
import { randomBytes, webcrypto } from "crypto";
// @peculiar/x509 needs a Reflect metadata polyfill loaded before it (its README, "Reflect Polyfill Required").
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

export interface ServerCertificate {
  /** PEM certificate and PKCS#8 private key, for the TLS server. */
  certPem: string;
  keyPem: string;
  /** DER, for the handshake line. */
  der: Buffer;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export async function selfSignedLocalhost(now = new Date()): Promise<ServerCertificate> {
  x509.cryptoProvider.set(webcrypto as never);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive serial number (RFC 5280 4.1.2.2)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString("hex"),
    name: "CN=localhost, O=OtterStorage",
    notBefore: new Date(now.getTime() - 30_000),
    notAfter: new Date(now.getTime() + 30 * 24 * 3600_000),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    certPem: cert.toString("pem"),
    keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
    der: Buffer.from(cert.rawData),
  };
}
