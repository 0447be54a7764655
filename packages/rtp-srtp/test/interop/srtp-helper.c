/*
 * libsrtp interop and benchmark helper for @trunkline/rtp-srtp.
 * Compiled at test time:  cc -O2 -o srtp-helper srtp-helper.c $(pkg-config --cflags --libs libsrtp2)
 *
 *   srtp-helper protect|unprotect|protect-rtcp|unprotect-rtcp PROFILE KEYSALT_HEX
 *       reads one packet per line (hex) on stdin, writes one line per packet: the result in hex,
 *       or "ERR <libsrtp status>".
 *   srtp-helper bench PROFILE KEYSALT_HEX COUNT PAYLOAD_LEN
 *       protects COUNT packets (12-byte header + PAYLOAD_LEN), then unprotects them, and prints
 *       "protect <packets/s>" and "unprotect <packets/s>".
 */
#include <srtp2/srtp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PKT 4096

static int set_policy(srtp_policy_t *p, const char *profile) {
  if (!strcmp(profile, "AES_CM_128_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "AES_CM_128_HMAC_SHA1_32")) {
    /* SRTCP keeps the 80-bit tag (RFC 4568 section 6.2.1). */
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "AES_256_CM_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "AES_256_CM_HMAC_SHA1_32")) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p->rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "AEAD_AES_128_GCM")) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
  } else if (!strcmp(profile, "AEAD_AES_256_GCM")) {
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
  } else {
    return -1;
  }
  return 0;
}

static int unhex(const char *s, uint8_t *out, int max) {
  int n = 0;
  while (s[0] && s[1] && s[0] != '\n' && s[0] != '\r') {
    unsigned v;
    if (n >= max || sscanf(s, "%2x", &v) != 1) return -1;
    out[n++] = (uint8_t)v;
    s += 2;
  }
  return n;
}

static srtp_t make_session(const char *profile, uint8_t *key, int inbound) {
  srtp_policy_t policy;
  srtp_t session = NULL;
  memset(&policy, 0, sizeof policy);
  if (set_policy(&policy, profile)) {
    fprintf(stderr, "unknown profile %s\n", profile);
    exit(2);
  }
  policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = key;
  policy.window_size = 1024;
  policy.allow_repeat_tx = 0;
  policy.next = NULL;
  srtp_err_status_t st = srtp_create(&session, &policy);
  if (st != srtp_err_status_ok) {
    fprintf(stderr, "srtp_create failed: %d\n", (int)st);
    exit(3);
  }
  return session;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(const char *profile, uint8_t *key, long count, int payload) {
  int plain_len = 12 + payload;
  int stride = plain_len + SRTP_MAX_TRAILER_LEN;
  uint8_t *store = malloc((size_t)count * stride);
  int *lens = malloc(sizeof(int) * count);
  if (!store || !lens) return 4;
  srtp_t tx = make_session(profile, key, 0);
  double t0 = now();
  for (long i = 0; i < count; i++) {
    uint8_t *p = store + i * stride;
    memset(p, 0xab, plain_len);
    p[0] = 0x80; p[1] = 0; p[2] = (uint8_t)(i >> 8); p[3] = (uint8_t)i;
    p[4] = 0; p[5] = 0; p[6] = 0; p[7] = 0;
    p[8] = 0xde; p[9] = 0xad; p[10] = 0xbe; p[11] = 0xef;
    int len = plain_len;
    if (srtp_protect(tx, p, &len) != srtp_err_status_ok) return 5;
    lens[i] = len;
  }
  double t1 = now();
  srtp_t rx = make_session(profile, key, 1);
  double t2 = now();
  for (long i = 0; i < count; i++) {
    int len = lens[i];
    if (srtp_unprotect(rx, store + i * stride, &len) != srtp_err_status_ok) return 6;
  }
  double t3 = now();
  printf("protect %.0f\nunprotect %.0f\n", count / (t1 - t0), count / (t3 - t2));
  srtp_dealloc(tx);
  srtp_dealloc(rx);
  free(store);
  free(lens);
  return 0;
}

int main(int argc, char **argv) {
  uint8_t key[64];
  static uint8_t pkt[MAX_PKT + SRTP_MAX_TRAILER_LEN];
  static char line[2 * MAX_PKT + 16];
  if (argc < 4) {
    fprintf(stderr, "usage: %s MODE PROFILE KEYSALT_HEX [COUNT PAYLOAD_LEN]\n", argv[0]);
    return 2;
  }
  if (srtp_init() != srtp_err_status_ok) return 3;
  if (unhex(argv[3], key, sizeof key) < 0) return 2;
  const char *mode = argv[1];
  if (!strcmp(mode, "bench")) {
    if (argc < 6) return 2;
    return bench(argv[2], key, atol(argv[4]), atoi(argv[5]));
  }
  int unprotect = !strcmp(mode, "unprotect") || !strcmp(mode, "unprotect-rtcp");
  int rtcp = strstr(mode, "rtcp") != NULL;
  srtp_t s = make_session(argv[2], key, unprotect);
  while (fgets(line, sizeof line, stdin)) {
    int len = unhex(line, pkt, MAX_PKT);
    if (len < 0) return 2;
    srtp_err_status_t st;
    if (rtcp) st = unprotect ? srtp_unprotect_rtcp(s, pkt, &len) : srtp_protect_rtcp(s, pkt, &len);
    else st = unprotect ? srtp_unprotect(s, pkt, &len) : srtp_protect(s, pkt, &len);
    if (st != srtp_err_status_ok) {
      printf("ERR %d\n", (int)st);
      continue;
    }
    for (int i = 0; i < len; i++) printf("%02x", pkt[i]);
    putchar('\n');
  }
  srtp_dealloc(s);
  srtp_shutdown();
  return 0;
}
