"""Dash components as plain HTML: a page's copy in its first response, and static islands.

First paint:
The browser paints this copy while Dash's scripts load and the page's layout is fetched (on a
slow phone: seconds of a blank screen before), and drops it once Dash has drawn the page in the
same place (assets/app.js). The copy is inert (no focus, hidden from assistive technology, which
get the live page) and carries no ids, so nothing can confuse it with the live page. Components
without a static form (maps, dropdowns) leave a box of their size; unknown ones show their children.

Islands (``island``): a part of a page that no callback reads or writes (tables, lists, links) sent
as one ``StaticHtml`` component holding its HTML, with its ids. Dash wraps, tracks and re-checks
every component it renders, and on a region profile or a comparison those parts were hundreds of
components: most of a phone's start-up work. Links in an island that were dcc.Links keep changing
pages without reloading (assets/app.js).
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from html import escape

from dash.development.base_component import Component

# Props written as attributes (after renaming); ids and id references are never written.
ATTRS = {"className": "class", "href": "href", "title": "title", "role": "role", "target": "target", "rel": "rel",
         "src": "src", "alt": "alt", "type": "type", "name": "name", "placeholder": "placeholder", "lang": "lang",
         "colSpan": "colspan", "rowSpan": "rowspan", "scope": "scope", "value": "value"}
BOOLEAN = {"open", "hidden", "disabled", "checked", "readOnly"}
ID_REFS = {"aria-controls", "aria-labelledby", "aria-describedby", "aria-owns", "aria-activedescendant"}
VOID = {"input", "img", "br", "hr", "col", "source", "wbr"}
_KEEP_IDS: ContextVar[bool] = ContextVar("keep_ids", default=False)  # True while an island is written
UNITLESS = {"zIndex", "opacity", "flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "order"}


def _style(style: dict) -> str:
    parts = []
    for k, v in style.items():
        if v is None:
            continue
        name = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), k)
        value = f"{v}px" if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in UNITLESS and v else v
        parts.append(f"{name}:{value}")
    return ";".join(parts)


def _attrs(props: dict, extra_class: str = "", tag: str = "") -> str:
    out = []
    classes = " ".join(c for c in (extra_class, props.get("className") or "") if c)
    if classes:
        out.append(f'class="{escape(classes)}"')
    for key, value in sorted(props.items()):  # one order in every process (Dash keeps no order for aria-/data-)
        if value is None or value is False or key in ("className", "children", "style"):
            continue
        if key in ("id", "htmlFor") or key in ID_REFS:
            if _KEEP_IDS.get() and isinstance(value, str):
                out.append(f'{"for" if key == "htmlFor" else key}="{escape(value)}"')
        elif key == "tabIndex":
            out.append(f'tabindex="{escape(str(value))}"')
        elif key in BOOLEAN:
            if value:
                out.append(key.lower())
        elif key in ATTRS and key != "className":
            out.append(f'{ATTRS[key]}="{escape(str(value))}"')
        elif key in ("width", "height") and tag == "img":
            out.append(f'{key}="{escape(str(value))}"')
        elif key.startswith(("aria-", "data-")):
            out.append(f'{key}="{escape(str(value))}"')
    style = props.get("style")
    if isinstance(style, dict) and style:
        out.append(f'style="{escape(_style(style))}"')
    return (" " + " ".join(out)) if out else ""


def _element(tag: str, props: dict, children=None, extra_class: str = "") -> str:
    if tag in VOID:
        return f"<{tag}{_attrs(props, extra_class, tag)}>"
    return f"<{tag}{_attrs(props, extra_class, tag)}>{to_html(children)}</{tag}>"


def _props(component) -> dict:
    return component.to_plotly_json()["props"]  # with the aria-* and data-* props


def _col_classes(p: dict) -> str:
    classes = []
    for size in ("width", "xs", "sm", "md", "lg", "xl", "xxl"):
        v = p.get(size)
        if v is None:
            continue
        infix = "" if size in ("width", "xs") else f"-{size}"
        classes.append(f"col{infix}" if v is True else f"col{infix}-{v}")
    return " ".join(classes) or "col"


def _button(p: dict) -> str:
    color = p.get("color") or "primary"
    cls = f"btn btn-{'outline-' if p.get('outline') else ''}{color}"
    if p.get("size"):
        cls += f" btn-{p['size']}"
    return _element("a" if p.get("href") else "button", p, p.get("children"), cls)


def _choices(p: dict, kind: str) -> str:
    chosen = p.get("value")
    chosen = set(chosen) if isinstance(chosen, list) else {chosen}
    inline = " form-check-inline" if p.get("inline") else ""
    items = "".join(
        f'<div class="form-check{inline}"><input class="form-check-input" type="{kind}"'
        f'{" checked" if o.get("value") in chosen else ""}><label class="form-check-label">'
        f'{to_html(o.get("label"))}</label></div>' for o in (p.get("options") or []) if isinstance(o, dict))
    return f"<div{_attrs(p)}>{items}</div>"


def _dropdown(p: dict) -> str:
    value, options = p.get("value"), p.get("options") or []
    values = value if isinstance(value, list) else ([] if value is None else [value])
    labels = [o.get("label") for o in options if isinstance(o, dict) and o.get("value") in values]
    shown = ", ".join(str(x) for x in labels) if labels else (p.get("placeholder") or "")
    return f'<div{_attrs(p, "ssr-dropdown")}>{escape(shown)}</div>'


def _table(p: dict) -> str:
    cls = " ".join(["table"] + [f"table-{k}" for k in ("bordered", "borderless", "hover", "striped") if p.get(k)]
                   + ([f"table-{p['size']}"] if p.get("size") else []))
    table = _element("table", p, p.get("children"), cls)
    return f'<div class="table-responsive">{table}</div>' if p.get("responsive") else table


HANDLERS = {
    ("dash_core_components", "Link"): lambda p: _element("a", {**p, "data-dash-link": "1"}, p.get("children")),
    ("dash_core_components", "Location"): lambda p: "",
    ("dash_core_components", "Store"): lambda p: "",
    ("dash_core_components", "Loading"): lambda p: to_html(p.get("children")),
    ("dash_core_components", "Graph"): lambda p: _element("div", {**p, "children": None}, None, "ssr-graph"),
    ("dash_core_components", "Dropdown"): _dropdown,
    ("dash_core_components", "Input"): lambda p: _element("input", p, None),
    ("dash_core_components", "Upload"): lambda p: _element("div", p, p.get("children")),
    ("dash_bootstrap_components", "Row"): lambda p: _element("div", p, p.get("children"), "row"),
    ("dash_bootstrap_components", "Col"): lambda p: _element("div", p, p.get("children"), _col_classes(p)),
    ("dash_bootstrap_components", "Container"): lambda p: _element(
        "div", p, p.get("children"), "container-fluid" if p.get("fluid") else "container"),
    ("dash_bootstrap_components", "Navbar"): lambda p: _element(
        "nav", p, p.get("children"),
        f"navbar navbar-expand-{p.get('expand') or 'md'} navbar-{'dark' if p.get('dark') else 'light'} "
        f"bg-{p.get('color') or 'light'}"),
    ("dash_bootstrap_components", "Nav"): lambda p: _element(
        "ul", p, p.get("children"), "nav" + (" navbar-nav" if p.get("navbar") else "")),
    ("dash_bootstrap_components", "NavItem"): lambda p: _element("li", p, p.get("children"), "nav-item"),
    ("dash_bootstrap_components", "Collapse"): lambda p: _element(
        "div", p, p.get("children"),
        ("navbar-collapse " if p.get("navbar") else "") + ("collapse show" if p.get("is_open") else "collapse")),
    ("dash_bootstrap_components", "Button"): _button,
    ("dash_bootstrap_components", "Label"): lambda p: _element("label", p, p.get("children"), "form-label"),
    ("dash_bootstrap_components", "Alert"): lambda p: _element(
        "div", p, p.get("children"), f"alert alert-{p.get('color') or 'primary'}") if p.get("is_open", True) else "",
    ("dash_bootstrap_components", "Input"): lambda p: _element("input", p, None, "form-control"),
    ("dash_bootstrap_components", "Textarea"): lambda p: _element("textarea", {**p, "value": None}, p.get("value"),
                                                                  "form-control"),
    ("dash_bootstrap_components", "Table"): _table,
    ("dash_bootstrap_components", "RadioItems"): lambda p: _choices(p, "radio"),
    ("dash_bootstrap_components", "Pagination"): lambda p: _element("ul", {**p, "children": None}, None, "pagination"),
}


def to_html(node) -> str:
    """HTML of a component tree (strings escaped)."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return escape(str(node))
    if isinstance(node, (list, tuple)):
        return "".join(to_html(n) for n in node)
    if isinstance(node, StaticHtml):  # an island: the tree it was made from, written as this copy needs
        return f'<div class="{escape(node.className or "")}">{to_html(node.tree)}</div>'
    namespace, kind = getattr(node, "_namespace", ""), getattr(node, "_type", "")
    props = _props(node)
    if namespace == "dash_html_components":
        # a datalist's options only serve typing into the live page's input (not the copy's)
        if kind == "Datalist" and not _KEEP_IDS.get():
            return ""
        return _element(kind.lower(), props, props.get("children"))
    handler = HANDLERS.get((namespace, kind))
    if handler:
        return handler(props)
    return _element("div", props, props.get("children"))


def text_of(node) -> str:
    """The plain text of a component tree."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, (list, tuple)):
        return "".join(text_of(n) for n in node)
    return text_of(node.tree if isinstance(node, StaticHtml) else getattr(node, "children", None))


def first_heading(node) -> str:
    """The text of the first h1 in a component tree ('' when there is none)."""
    if isinstance(node, (list, tuple)):
        return next((t for t in (first_heading(n) for n in node) if t), "")
    if getattr(node, "_type", "") == "H1" and getattr(node, "_namespace", "") == "dash_html_components":
        return " ".join(text_of(node.children).split())
    children = node.tree if isinstance(node, StaticHtml) else getattr(node, "children", None)
    return first_heading(children) if children is not None and not isinstance(children, (str, int, float)) else ""


class StaticHtml(Component):
    """A part of a page as HTML (``island``), drawn by ``s3_static.StaticHtml`` in assets/app.js."""
    _children_props: list = []
    _base_nodes = ["children"]
    _namespace = "s3_static"
    _type = "StaticHtml"

    def __init__(self, html: str = "", className: str = "", **kwargs):
        self._prop_names = ["html", "className"]
        self._valid_wildcard_attributes: list = []
        self.available_properties = ["html", "className"]
        self.available_wildcard_properties: list = []
        super().__init__(html=html, className=className, **kwargs)


# Components that take part in callbacks or draw with their own code: never inside an island.
LIVE = {("dash_core_components", t) for t in ("Graph", "Dropdown", "Input", "Store", "Location", "Upload", "Loading")}


def _check_static(node) -> None:
    if isinstance(node, (list, tuple)):
        for n in node:
            _check_static(n)
        return
    if not isinstance(node, Component):
        return
    if (node._namespace, node._type) in LIVE or node._namespace == "dash_bootstrap_components" and node._type in (
            "Collapse", "Pagination", "Input", "Textarea", "RadioItems"):
        raise ValueError(f"{node._type} cannot be part of a static island")
    if isinstance(getattr(node, "id", None), dict) or getattr(node, "n_clicks", None) is not None:
        raise ValueError(f"{node._type} with a callback id or clicks cannot be part of a static island")
    _check_static(getattr(node, "children", None))


def island(tree, className: str = "") -> StaticHtml:
    """``tree`` (no callback reads or writes any of it) as one component holding its HTML."""
    _check_static(tree)
    token = _KEEP_IDS.set(True)
    try:
        html = to_html(tree)
    finally:
        _KEEP_IDS.reset(token)
    out = StaticHtml(html=html, className=f"static-html {className}".strip())
    out.tree = tree  # for the first-paint copy, which is written without ids
    return out
