"""The JSON bodies Dash's renderer posts for the explorer's callbacks, so the benchmark and the
tests can drive a server the way a browser does, without one."""
from __future__ import annotations

from .state import ViewState, to_query
from .views.explorer import CONTROL_IDS, CONTROL_PROPS, control_values

# The callbacks a new explorer URL triggers, by one of their outputs: one, which draws the view (map,
# table, panels) and sets the controls that disagree with the URL.
URL_CALLBACKS = ("ex-map.figure",)


def find_callback(app, output: str, trigger: str = "") -> tuple[str, dict]:
    """(key, spec) of the callback that writes ``output`` ('id.property') and, when given, has
    ``trigger`` ('id.property') among its inputs."""
    for key, cb in app.callback_map.items():
        if any(o.split("@")[0] == output for o in key.strip(".").split("...")) and (
                not trigger or any(f"{i['id']}.{i['property']}" == trigger for i in cb["inputs"])):
            return key, cb
    raise LookupError(f"no callback writes {output}" + (f" on {trigger}" if trigger else ""))


def callback_body(app, output: str, values: dict, changed: list[str]) -> dict:
    """The request for the callback writing ``output``; ``values``: 'id.property' -> value of its
    inputs and states (missing ones are None), ``changed``: the 'id.property' that triggered it."""
    key, cb = find_callback(app, output, changed[0] if changed else "")

    def fill(items):
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                for i in items]

    outputs = [{"id": o.split(".")[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...") if o]
    return {"output": key, "outputs": outputs if len(outputs) > 1 or key.startswith("..") else outputs[0],
            "inputs": fill(cb["inputs"]), "changedPropIds": changed, "state": fill(cb.get("state", []))}


def controls(state: ViewState) -> dict:
    """'id.property' -> value of every explorer control showing ``state``."""
    return {f"{c}.{p}": v for c, p, v in zip(CONTROL_IDS, CONTROL_PROPS, control_values(state))} | {
        "ex-region.value": state.region or None}


def control_body(app, prev: ViewState, new: ViewState, changed: str) -> dict:
    """A control (its id) changed from the view ``prev`` to show ``new``: the request that writes the
    new URL and draws the view."""
    prop = dict(zip(CONTROL_IDS, CONTROL_PROPS))[changed]
    return callback_body(app, "ex-url.search", {**controls(new), "ex-url.search": to_query(prev),
                                                "ex-drawn.data": to_query(prev), "ex-tabled.data": to_query(prev)},
                         [f"{changed}.{prop}"])


def url_bodies(app, prev: ViewState, new: ViewState, shown: ViewState | None = None) -> dict[str, dict]:
    """The requests the URL of ``new`` triggers in a page that drew ``prev`` and whose controls
    show ``shown`` (``new`` after a control change; ``prev`` on back/forward), by output."""
    values = {**controls(new if shown is None else shown), "ex-url.search": to_query(new), "ex-drawn.data": to_query(prev),
              "ex-tabled.data": to_query(prev)}
    return {out: callback_body(app, out, values, ["ex-url.search"]) for out in URL_CALLBACKS}


def bodies_for_states(app, prev: ViewState, new: ViewState, changed: str) -> list[dict]:
    """Every request one control change sends to the server: one, which writes the URL and draws the view."""
    return [control_body(app, prev, new, changed)]
