// GEOS C API, reentrant functions only. A module map cannot define macros, so the
// switch that hides the non-reentrant API (which shares global state between
// threads) is set here, before the header is read.
#define GEOS_USE_ONLY_R_API 1
#include <geos_c.h>
