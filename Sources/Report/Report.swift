// Report: result layers, maps, charts and the HTML report. Not built yet (issue: scenes and the main job).
