// Scenario: scene files to a configured Engine, interventions, KPIs, comparison of runs.
// Not built yet (issue: scenes and the main job).
