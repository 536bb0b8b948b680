/*
 * enlace_int.h: libenlace's one entry point for tests, not part of its API
 * (not installed, not exported from the shared library: the fuzz target
 * links the library's files in a static build of its own).
 */
#ifndef ENLACE_INT_H
#define ENLACE_INT_H

#include <stddef.h>
#include <stdint.h>

/* Handles bytes as if the hub had sent them as a reply or a delivery: decodes
 * the Frame and, for a Delivery, HistoryPage, AlertList, CaseDetail,
 * CaseList, CaseInfo, ReviewList, AdminResult or Error, runs exactly the code the API
 * call that receives it runs (signature checks, the caller's typed view of
 * the result), reads every string of the result and frees it. Returns a
 * count of the bytes read, so nothing is optimised away. */
size_t enlace_test_reply(const uint8_t *data, size_t len);

#endif
