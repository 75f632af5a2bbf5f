#ifndef CITYTWIN_CSPATIALITE_SHIM_H
#define CITYTWIN_CSPATIALITE_SHIM_H
// sqlite3.h must come before spatialite.h, which uses sqlite3*.
#include <sqlite3.h>
#include <spatialite/gaiageo.h>
#include <spatialite.h>
#endif
