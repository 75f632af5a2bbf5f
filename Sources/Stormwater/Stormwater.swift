// Stormwater: rainfall, runoff, infiltration, LID, kinematic- and dynamic-wave routing, structures and
// controls, compatible with EPA SWMM 5.2. One process per file. Not built yet (issue: stormwater engine).
