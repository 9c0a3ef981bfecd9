// cairo 2D drawing, used by the tile renderer (PNG output via the stream writer).
#include <cairo/cairo.h>
