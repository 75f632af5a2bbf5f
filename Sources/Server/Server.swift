// Server: HTTP API and web viewer; one actor owns each running engine. Not built yet.
