"""Pure plotly figure builders: a shared base, the explorer map, partnership maps, profile charts."""
