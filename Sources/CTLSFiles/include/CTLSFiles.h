#ifndef GATHER_CTLSFILES_H
#define GATHER_CTLSFILES_H

// Checks the PEM files a route's `tls:` names, with the OpenSSL that libcurl uses for the
// handshakes, so that what loads is what connects. Each function returns -1 and writes
// OpenSSL's reason (NUL-terminated, truncated to `capacity`) into `error` when it fails.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The number of PEM certificates in `pem` (at least 1), or -1: none, or one that is malformed.
int gather_tls_count_certificates(const unsigned char *pem, size_t length, char *error, size_t capacity);

/// 0 when `key_pem` holds an unencrypted private key that matches the first certificate in
/// `cert_pem`; else -1 (malformed or encrypted key, or a key of another certificate).
int gather_tls_check_key_pair(const unsigned char *cert_pem, size_t cert_length,
                              const unsigned char *key_pem, size_t key_length,
                              char *error, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
