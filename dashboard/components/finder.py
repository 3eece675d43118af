"""The region finder: a dropdown that holds only the chosen regions' options until the user types.

Two thousand regions as options made every page that shows a finder send ~120 KB more and made
the dropdown index all of them (every substring of every word) on each mount — most of a phone's
start-up work. Here the full list is one cached JSON file (``REGION_LIST_ROUTE``), fetched by the
browser on the first keystroke and searched there (``s3.regionFinder`` in assets/app.js); the
server only ever sends the chosen regions' options, together with the value, so the dropdown
never sees a value without its option (it would clear it).
"""
from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, dcc

from ..data.atlas import Atlas
from .options import chosen_region_options

REGION_LIST_ROUTE = "options/regions.{version}.json"  # under the app's prefix; version: the snapshot's
REGION_LIST_STORE = "region-list-url"  # a dcc.Store in the shell holding that URL


def region_list_path(atlas: Atlas) -> str:
    return REGION_LIST_ROUTE.format(version=atlas.version)


def region_list_store(atlas: Atlas, prefix: str) -> dcc.Store:
    return dcc.Store(id=REGION_LIST_STORE, data=f"{prefix}{region_list_path(atlas)}")


# dcc.Dropdown's texts (it takes all or none): the search box says what it searches
LABELS = {"select_all": "Select all", "deselect_all": "Deselect all", "selected_count": "{num_selected} selected",
          "search": "Region name or NUTS code", "clear_search": "Clear search", "clear_selection": "Clear selection",
          "no_options_found": "No region has that name or code"}


def region_finder(atlas: Atlas, id_: str, value, multi: bool = False, **kwargs) -> dcc.Dropdown:
    """A dcc.Dropdown over every region, sent with the chosen regions' options only. Put it in a
    ``finder-slot`` box (assets/style.css): its "select all" would add fifty search hits at once."""
    return dcc.Dropdown(id=id_, options=chosen_region_options(atlas, value), value=value, multi=multi,
                        search_order="original", labels=LABELS, **kwargs)


def register_region_finder(app, id_: str) -> None:
    """Typing in the finder fills its options from the full list, in the browser."""
    app.clientside_callback(ClientsideFunction("s3", "regionFinder"), Output(id_, "options"),
                            Input(id_, "search_value"), State(id_, "value"), State(REGION_LIST_STORE, "data"),
                            prevent_initial_call=True)
