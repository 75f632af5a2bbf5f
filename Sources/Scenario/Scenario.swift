// Scenario: scene files to a configured Engine, interventions, KPIs, comparison of runs.
// Built so far: the demo-district generator (District*.swift) and design storms (DesignStorm.swift).
