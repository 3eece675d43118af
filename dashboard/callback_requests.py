"""The JSON body Dash's renderer posts for the explorer's callback, so the benchmark and the
tests can drive a server the way a browser does, without one."""
from __future__ import annotations

from .pages.explorer import CONTROLS, control_values
from .state import ViewState, to_query


def explorer_callback(app):
    for key, cb in app.callback_map.items():
        if "ex-map.figure" in key:
            return key, cb
    raise LookupError("explorer callback not registered")


def explorer_body(app, prev_search: str, values: dict, changed: str) -> dict:
    """values: control id -> value (missing controls get the defaults); changed: the control id."""
    key, cb = explorer_callback(app)
    defaults = dict(zip([c[0] for c in CONTROLS], control_values(ViewState())))
    props = {c[0]: ("active_page" if c[0] == "ex-page" else "value") for c in CONTROLS}
    inputs = []
    for i in cb["inputs"]:
        if i["id"] == "ex-url":
            v = prev_search
        else:
            v = values.get(i["id"], defaults.get(i["id"]))
        inputs.append({"id": i["id"], "property": i["property"], "value": v})
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...") if o]
    return {"output": key, "outputs": outputs, "inputs": inputs,
            "changedPropIds": [f"{changed}.{props.get(changed, 'value')}"],
            "state": [{"id": "ex-url", "property": "search", "value": prev_search}]}


def body_for_states(app, prev: ViewState, new: ViewState, changed: str) -> dict:
    return explorer_body(app, to_query(prev), dict(zip([c[0] for c in CONTROLS], control_values(new))), changed)
