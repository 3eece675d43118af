"""The naive baseline the benchmark runs side by side with the app.

It follows the documented plotly pattern: on every filter change, rebuild
`plotly.express.choropleth_map` with the level's GeoJSON embedded in the figure.
It uses the same atlas and the same query functions, so only the map pattern differs.
"""
from __future__ import annotations

import json

import dash
import plotly.express as px
from dash import Input, Output, dcc, html

from dashboard.data.atlas import Atlas
from dashboard.data.query import Filters, counts_by_territory, indicator_values


def create_naive_app(atlas: Atlas) -> dash.Dash:
    geojson = {level: json.loads(path.read_text()) for level, (path, _h) in atlas.geometry_files.items()}
    app = dash.Dash(__name__, serve_locally=True)
    app.layout = html.Div([dcc.Input(id="q"), dcc.Input(id="level", value="2"), dcc.Input(id="year"),
                           dcc.Input(id="indicator"), dcc.Graph(id="map")])

    @app.callback(Output("map", "figure"), Input("q", "value"), Input("level", "value"),
                  Input("indicator", "value"), Input("year", "value"))
    def update(q, level, indicator, year):
        level = int(level)
        if indicator:
            vals = indicator_values(atlas, indicator, int(year) if year else None, level)
            names = atlas.regions.loc[vals.nuts_id]
            vals = vals.assign(name=names.name_latn.to_numpy(), national=names.name_national.to_numpy(),
                               year=vals.year.astype("float"))
            return px.choropleth_map(vals, geojson=geojson[level], locations="nuts_id", featureidkey="id",
                                     color="value", hover_name="name", hover_data=["national", "year"],
                                     map_style="white-bg", zoom=2.7, center={"lat": 52.5, "lon": 12.0})
        counts = counts_by_territory(atlas, Filters(keyword=q or "", level=level))
        names = atlas.regions.loc[counts.nuts_id]
        counts = counts.assign(name=names.name_latn.to_numpy(), national=names.name_national.to_numpy())
        return px.choropleth_map(counts, geojson=geojson[level], locations="nuts_id", featureidkey="id",
                                 color="priorities", hover_name="name", hover_data=["national", "strategies"],
                                 map_style="white-bg", zoom=2.7, center={"lat": 52.5, "lon": 12.0})

    return app
