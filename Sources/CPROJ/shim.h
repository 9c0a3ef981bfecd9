// PROJ: coordinate operations (proj.h) and Karney's geodesic routines (geodesic.h),
// both shipped in libproj.
#include <proj.h>
#include <geodesic.h>
