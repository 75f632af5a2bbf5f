// Coupling: exchanges between processes (dual drainage, flood depth to road speed, rain field).
// Not built yet (issue: coupling).
