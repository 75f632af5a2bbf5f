// Flood: 2D local-inertial surface flow on the DEM raster. Not built yet (issue: flood engine).
