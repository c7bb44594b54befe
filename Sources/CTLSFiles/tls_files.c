#define _GNU_SOURCE
#include "CTLSFiles.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

/// The reason of the oldest queued OpenSSL error (the one that says what was wrong), else `fallback`.
static void describe(char *error, size_t capacity, const char *fallback) {
    unsigned long code = ERR_peek_error();
    if (code != 0) {
        const char *reason = ERR_reason_error_string(code);
        snprintf(error, capacity, "%s", reason ? reason : fallback);
    } else {
        snprintf(error, capacity, "%s", fallback);
    }
    ERR_clear_error();
}

/// Never prompts on a terminal for an encrypted key's passphrase: encrypted keys are refused.
static int no_passphrase(char *buffer, int size, int rwflag, void *userdata) {
    (void)buffer; (void)size; (void)rwflag; (void)userdata;
    return -1;
}

static int contains(const unsigned char *text, size_t length, const char *needle) {
    return memmem(text, length, needle, strlen(needle)) != NULL;
}

int gather_tls_count_certificates(const unsigned char *pem, size_t length, char *error, size_t capacity) {
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(pem, (int)length);
    if (!bio) {
        describe(error, capacity, "out of memory");
        return -1;
    }
    int count = 0;
    for (;;) {
        X509 *certificate = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
        if (certificate) {
            X509_free(certificate);
            count++;
            continue;
        }
        unsigned long code = ERR_peek_last_error();
        if (count > 0 && ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) {
            ERR_clear_error();  // the end of the text: no further certificate
            break;
        }
        if (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) {
            ERR_clear_error();
            snprintf(error, capacity, "no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        } else {
            describe(error, capacity, "malformed PEM certificate");
        }
        BIO_free(bio);
        return -1;
    }
    BIO_free(bio);
    return count;
}

int gather_tls_check_key_pair(const unsigned char *cert_pem, size_t cert_length,
                              const unsigned char *key_pem, size_t key_length,
                              char *error, size_t capacity) {
    ERR_clear_error();
    BIO *cert_bio = BIO_new_mem_buf(cert_pem, (int)cert_length);
    BIO *key_bio = BIO_new_mem_buf(key_pem, (int)key_length);
    X509 *certificate = cert_bio ? PEM_read_bio_X509(cert_bio, NULL, no_passphrase, NULL) : NULL;
    EVP_PKEY *key = NULL;
    int result = -1;
    if (!certificate) {
        describe(error, capacity, "malformed PEM certificate");
        goto done;
    }
    // OpenSSL 3's decoders say "unsupported" for text with no key in it at all: look first.
    if (!contains(key_pem, key_length, "PRIVATE KEY-----")) {
        snprintf(error, capacity, "no PEM private key (-----BEGIN PRIVATE KEY-----) found");
        goto done;
    }
    if (contains(key_pem, key_length, "ENCRYPTED")) {
        snprintf(error, capacity, "the private key is encrypted; gather needs it unencrypted");
        goto done;
    }
    key = key_bio ? PEM_read_bio_PrivateKey(key_bio, NULL, no_passphrase, NULL) : NULL;
    if (!key) {
        unsigned long code = ERR_peek_last_error();
        if (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) {
            ERR_clear_error();
            snprintf(error, capacity, "no PEM private key (-----BEGIN PRIVATE KEY-----) found");
        } else if (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_BAD_PASSWORD_READ) {
            ERR_clear_error();
            snprintf(error, capacity, "the private key is encrypted; gather needs it unencrypted");
        } else {
            describe(error, capacity, "malformed PEM private key");
        }
        goto done;
    }
    if (X509_check_private_key(certificate, key) != 1) {
        ERR_clear_error();
        snprintf(error, capacity, "the private key does not match the certificate");
        goto done;
    }
    result = 0;
done:
    EVP_PKEY_free(key);
    X509_free(certificate);
    BIO_free(key_bio);
    BIO_free(cert_bio);
    return result;
}
