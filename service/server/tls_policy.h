#ifndef DYSTONIA_SERVICE_SERVER_TLS_POLICY_H_
#define DYSTONIA_SERVICE_SERVER_TLS_POLICY_H_

// The TLS versions and cipher suites both ports accept: TLS 1.2 or 1.3, and
// on TLS 1.2 only forward-secret key exchange (ECDHE) with AEAD ciphers
// (GCM, ChaCha20-Poly1305). No static-RSA key exchange, no CBC, no SHA-1 MAC.

namespace dystonia {

// OpenSSL cipher list for TLS 1.2 (SSL_CTX_set_cipher_list), for the HTTP
// port. TLS 1.3 suites are all AEAD and are left at OpenSSL's default.
inline constexpr char kTls12CipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The lowest protocol version: TLS1_2_VERSION (0x0303) for
// SSL_CTX_set_min_proto_version.
inline constexpr int kMinTlsProtocolVersion = 0x0303;

// gRPC 1.51 (Debian 12) has no per-credentials cipher or version setting;
// its cipher list comes from GRPC_SSL_CIPHER_SUITES, read once when the
// first TLS credentials are made, and its minimum version is TLS 1.2. This
// is that list: gRPC's own default, written down so an inherited
// environment cannot widen it.
inline constexpr char kGrpcCipherSuites[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
    "TLS_CHACHA20_POLY1305_SHA256:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";

// Sets GRPC_SSL_CIPHER_SUITES to kGrpcCipherSuites. Call before the first
// gRPC TLS credentials are made (DystoniaServer::Start does).
void PinGrpcCipherSuites();

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_TLS_POLICY_H_
