// Traffic: demand, routing, vehicles, car-following, lane changing, junctions and signal control.
// Not built yet (issue: traffic microsimulation).
