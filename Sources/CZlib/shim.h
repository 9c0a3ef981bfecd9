// zlib's deflate and CRC-32, used by the tile renderer's PNG writer.
#include <zlib.h>
