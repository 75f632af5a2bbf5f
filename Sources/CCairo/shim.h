#ifndef CITYTWIN_CCAIRO_SHIM_H
#define CITYTWIN_CCAIRO_SHIM_H
// cairo's core API (image surfaces, PNG read/write) and its SVG surface.
#include <cairo.h>
#include <cairo-svg.h>
#endif
