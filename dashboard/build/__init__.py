"""The offline build: reads the data kit and the project's sources, validates them and writes the
snapshot the app reads (dashboard/data). Nothing here runs in the app."""
