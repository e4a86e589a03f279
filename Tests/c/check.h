/* The C tests' two checks: CHECK returns 1 from the calling function when a
 * cajal call fails (printing the library's message); EXPECT counts a failed
 * condition in `failures` and carries on. */
#ifndef CAJAL_TEST_CHECK_H
#define CAJAL_TEST_CHECK_H

#include <stdio.h>

#include "cajal.h"

static int failures = 0;

#define CHECK(call)                                                                  \
    do {                                                                             \
        int status_ = (call);                                                        \
        if (status_ != CAJAL_OK) {                                                   \
            fprintf(stderr, "%s:%d: %s failed (%d): %s\n", __FILE__, __LINE__, #call, \
                    status_, cajal_last_error());                                    \
            return 1;                                                                \
        }                                                                            \
    } while (0)

#define EXPECT(condition, message)                                      \
    do {                                                                \
        if (!(condition)) {                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, message); \
            failures++;                                                 \
        }                                                               \
    } while (0)

#endif
