// GDAL/OGR C API: datasets, vector layers, features, spatial references and the error
// handler. Only Sources/OneMapOGR imports this module.
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
