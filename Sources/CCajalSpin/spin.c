/* The module is the header; SwiftPM wants one source file per C target. */
#include "spin.h"
