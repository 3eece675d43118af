"""Proposing: what can be proposed about a region, strategy or partnership, the forms, the bulk
upload with its preview, the template downloads and the private tracking page."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Response, abort, redirect, request

from ..settings import MAX_PROPOSAL_BYTES, MAX_UPLOAD_BYTES
from ..write import bulk
from ..write.diff import STRATEGY_FIELDS, as_proposed, current_priority, diff, summary
from ..write.store import STATUS_WORDS
import dashboard.contribute.forms as forms

KINDS = {"priority", "strategy", "membership", "contact"}
ACTIONS = {"add", "change", "remove"}


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


def choices(atlas, prefix: str, region: str, strategy: str, partnership: str) -> tuple[str, list[dict]]:
    """(what the page is about, groups of (label, link)) for the proposals one can make there."""
    groups, about = [], ""
    def link(path: str, **q) -> str:
        return f"{prefix}propose{'/' + path if path else ''}?{urlencode(q)}"

    strategies = atlas.strategies
    if partnership and partnership in set(atlas.partnerships.partnership_id):
        name = _text(atlas.partnerships.set_index("partnership_id").at[partnership, "name"])
        about = f"the partnership {name}"
        members = atlas.members[atlas.members.partnership_id == partnership]
        groups.append({"title": "Its members", "links": [
            ("Add a member region", link("membership/add", partnership=partnership))] + [
            (f"{verb} {atlas.region_name(n)} ({_text(r)})", link(f"membership/{act}", partnership=partnership, region=n))
            for n, r in zip(members.nuts_id, members.role) for verb, act in (("Correct the role of", "change"),
                                                                             ("Mark as wrong:", "remove"))]})
        return about, groups
    if region and region in atlas.regions.index:
        about = f"{atlas.region_name(region)} ({region})"
        own = strategies[strategies.nuts_id == region]
        groups.append({"title": "Its strategies", "links": [
            ("Add a strategy of this region", link("strategy/add", region=region))] + [
            (f"Propose about “{_text(t)}” ({_text(per)})", link("", strategy=sid))
            for sid, t, per in zip(own.index, own.title, own.period)]})
        return about, groups
    if strategy and strategy in strategies.index:
        row = strategies.loc[strategy]
        about = f"{_text(row.title)} ({_text(row.period)}), {atlas.region_name(row.nuts_id)}"
        pri = atlas.priorities[atlas.priorities.strategy_id == strategy]
        groups.append({"title": "The strategy", "links": [
            ("Correct its title, period or document link", link("strategy/change", strategy=strategy)),
            ("Propose its official contact point (managing body only)", link("contact", strategy=strategy)),
            ("Mark the strategy as wrong", link("strategy/remove", strategy=strategy))]})
        groups.append({"title": "Its priorities", "links": [
            ("Add a priority", link("priority/add", strategy=strategy)),
            ("Upload all its priorities at once (CSV or Excel template)", link("bulk", strategy=strategy))] + [
            (f"{verb} “{_text(t)}”", link(f"priority/{act}", priority=pid))
            for pid, t in zip(pri.priority_id, pri.title) for verb, act in (("Correct or complete", "change"),
                                                                          ("Mark as wrong:", "remove"))]})
    return about, groups


def register(bp, ctx) -> None:
    atlas, store = ctx.atlas, ctx.store

    def known_or_404(value: str, allowed) -> str:
        value = (value or "").strip()
        if value not in allowed:
            abort(404)
        return value

    @bp.before_request
    def body_limits():
        # the app's limit fits Dash's callbacks; a proposal and an upload get their own
        if request.path.endswith("/propose/bulk"):
            request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
        elif "/propose" in request.path or request.path.rstrip("/").endswith("/api/proposals"):
            request.max_content_length = MAX_PROPOSAL_BYTES

    @bp.get("/propose")
    def choose():
        about, groups = choices(atlas, ctx.prefix, request.args.get("region", ""), request.args.get("strategy", ""),
                                request.args.get("partnership", ""))
        return ctx.render("choose.html", title="Propose a correction or addition", about=about, choices=groups)

    def target_and_current(kind: str, action: str) -> tuple[dict, dict, str]:
        """(target, the row as the snapshot has it, what the form is about) from the URL."""
        a = request.args
        if kind == "priority":
            if action == "add":
                sid = known_or_404(a.get("strategy"), atlas.strategies.index)
                return {"strategy_id": sid}, {}, f"A new priority of “{_text(atlas.strategies.at[sid, 'title'])}”"
            pid = known_or_404(a.get("priority"), set(atlas.priorities.priority_id))
            cur = current_priority(atlas, pid)
            return {"priority_id": pid}, cur, f"The priority “{cur['title']}” ({pid})"
        if kind == "strategy":
            if action == "add":
                nuts = known_or_404(a.get("region"), atlas.regions.index)
                return {"nuts_id": nuts}, {}, f"A new strategy of {atlas.region_name(nuts)}"
            sid = known_or_404(a.get("strategy"), atlas.strategies.index)
            cur = {f: _text(atlas.strategies.at[sid, f]) for f in STRATEGY_FIELDS}
            return {"strategy_id": sid}, cur, f"The strategy “{cur['title']}” ({sid})"
        if kind == "membership":
            pid = known_or_404(a.get("partnership"), set(atlas.partnerships.partnership_id))
            name = _text(atlas.partnerships.set_index("partnership_id").at[pid, "name"])
            nuts = (a.get("region") or "").strip()
            if action != "add":
                nuts = known_or_404(nuts, set(atlas.members.nuts_id[atlas.members.partnership_id == pid]))
                m = atlas.members[(atlas.members.partnership_id == pid) & (atlas.members.nuts_id == nuts)].iloc[0]
                return ({"partnership_id": pid, "nuts_id": nuts},
                        {"role": _text(m.get("role_as_in_source") or m.get("role"))},
                        f"{atlas.region_name(nuts)} in the partnership {name}")
            return {"partnership_id": pid, "nuts_id": nuts}, {}, f"A new member of the partnership {name}"
        sid = known_or_404(a.get("strategy"), atlas.strategies.index)
        return {"strategy_id": sid}, {}, f"The official contact point of “{_text(atlas.strategies.at[sid, 'title'])}”"

    def submit(proposal: dict):
        """Validate and store; (None, errors) or (redirect to the tracking page, {})."""
        clean, errors = validate_proposal(ctx, proposal)
        if errors:
            return None, errors
        sent = store.submit(clean)
        if not sent.created:  # its tracking link was given when it was first sent (never stored in clear)
            return ctx.render("message.html", 200, title=f"Already sent: proposal {sent.proposal.public_id}",
                              message="This very proposal was sent before and is stored once; follow it with the "
                                      "tracking link given then. Nothing was added."), {}
        return redirect(f"{ctx.prefix}proposals/{sent.token}?sent=new", 303), {}

    def form_page(kind: str, action: str):
        target, current, about = target_and_current(kind, action)
        fields = forms.FIELDS[(kind, action)]
        if kind == "membership" and action == "add":
            fields = [forms.Field("region", "target.nuts_id", "Region (NUTS code, e.g. ES51)", required=True,
                                  maxlength=10)] + fields
        values, errors, changes = dict(current or {}), {}, []
        if request.method == "POST":
            values = {k: v for k, v in request.form.items() if k != "csrf_token"}
            if kind == "membership" and action == "add":
                target = {**target, "nuts_id": values.get("region", "").strip().upper()}
            proposal = forms.proposal_from_form(request.form, kind, action, target, current)
            done, errs = submit(proposal)
            if done is not None:
                return done
            errors = forms.errors_by_input(errs, fields + forms.SOURCE + forms.PROPOSER)
            changes = [c for c in diff(proposal, atlas) if c.fields or c.what in ("added", "removed")]
        verb = {"add": "Add", "change": "Correct or complete", "remove": "Mark as wrong"}[action]
        return ctx.render("propose.html", 400 if errors else 200, title=f"{verb}: {kind if kind != 'contact' else 'contact point'}",
                          about=about, proposal_fields=fields, source_fields=forms.SOURCE,
                          proposer_fields=forms.PROPOSER, values=values, errors=errors, hidden={},
                          changes=changes, counts=None)

    @bp.route("/propose/<kind>/<action>", methods=["GET", "POST"])
    def propose_form(kind: str, action: str):
        if kind not in KINDS - {"contact"} or action not in ACTIONS:
            abort(404)
        return form_page(kind, action)

    @bp.route("/propose/contact", methods=["GET", "POST"])
    def propose_contact():
        return form_page("contact", "add")

    @bp.get("/propose/template/<strategy_id>.<ext>")
    def template(strategy_id: str, ext: str):
        sid = known_or_404(strategy_id, atlas.strategies.index)
        df = bulk.template(atlas, sid)
        if ext == "csv":
            body, mimetype = bulk.template_csv(df), "text/csv; charset=utf-8"
        elif ext == "xlsx":
            body, mimetype = bulk.template_xlsx(df), bulk.XLSX_MIMETYPE
        else:
            abort(404)
        resp = Response(body, mimetype=mimetype)
        resp.headers["Content-Disposition"] = f'attachment; filename="{sid}-priorities.{ext}"'
        return resp

    @bp.route("/propose/bulk", methods=["GET", "POST"])
    def propose_bulk():
        sid = known_or_404(request.args.get("strategy"), atlas.strategies.index)
        title = _text(atlas.strategies.at[sid, "title"])
        values, errors, changes, counts, hidden = {}, {}, [], None, {}
        upload_error = ""
        if request.method == "POST":
            values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "rows")}
            rows = None
            file = request.files.get("template")
            uploaded = file is not None and bool(file.filename)
            if uploaded:
                try:
                    rows = bulk.rows_as_fields(bulk.read_upload(file.filename, file.read(MAX_UPLOAD_BYTES + 1)).rows)
                except bulk.UploadError as exc:
                    upload_error = str(exc)
            elif request.form.get("rows"):
                try:
                    rows = json.loads(request.form["rows"])
                    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                        raise ValueError("not a list of rows")
                except ValueError:
                    rows = None
                    upload_error = "The previewed rows were damaged on the way; upload the file again."
            else:
                upload_error = "Choose the filled-in template to upload."
            if rows is not None:
                proposal = {"kind": "bulk", "action": "change", "target": {"strategy_id": sid},
                            "fields": {"rows": rows, "remove_missing": request.form.get("remove_missing") == "yes"},
                            **forms.sender(request.form)}
                changes = diff(proposal, atlas)
                counts = summary(changes)
                hidden = {"rows": json.dumps(rows, ensure_ascii=False)}
                if request.form.get("submit") == "send" and not uploaded:  # a new file is previewed first
                    done, errs = submit(proposal)
                    if done is not None:
                        return done
                    errors = forms.errors_by_input(errs, forms.SOURCE + forms.PROPOSER)
            if upload_error:
                errors["template"] = upload_error
        upload = forms.Field("template", "template", "The filled-in template (.csv or .xlsx, up to 2 MB)", "file",
                             help="One row per priority. Rows with a priority_id change that priority; rows without one "
                                  "add a priority; lists (keywords, codes) are separated by semicolons.")
        downloads = [("Download the template as CSV", f"{ctx.prefix}propose/template/{sid}.csv", "UTF-8 text, any spreadsheet"),
                     ("Download the template as Excel", f"{ctx.prefix}propose/template/{sid}.xlsx", ".xlsx workbook")]
        remove = forms.Field("remove_missing", "fields.remove_missing", "Priorities left out of the file", "checkbox",
                             check_label="Propose the strategy's priorities missing from the file as removed")
        return ctx.render("propose.html", 400 if errors else 200, title="Upload a strategy's priorities",
                          about=f"All the priorities of “{title}” ({sid}) at once. Upload the file to see what it changes "
                                f"before you send it.",
                          proposal_fields=[upload, remove], source_fields=forms.SOURCE, proposer_fields=forms.PROPOSER,
                          values=values, errors=errors, hidden=hidden, multipart=True, changes=changes, counts=counts,
                          diff_title="Preview: what the file changes", downloads=downloads)

    @bp.get("/proposals/<token>")
    def track(token: str):
        p = store.by_token(token)
        if p is None:
            return ctx.render("message.html", 404, title="Proposal not found",
                              message="No proposal has this tracking address. Check that the whole address was copied.")
        published = p.status == "published"  # the snapshot holds it now: show what it stated
        changes = as_proposed(proposal_dict(p)) if published else diff(proposal_dict(p), atlas)
        return ctx.render("track.html", title=f"Proposal {p.public_id}", p=p, status_words=STATUS_WORDS,
                          changes=changes, counts=summary(changes) if p.kind == "bulk" and not published else None,
                          diff_title="What it stated (now in the atlas)" if published else None,
                          just_sent=request.args.get("sent") == "new", created=True)


def proposal_dict(p) -> dict:
    return {"kind": p.kind, "action": p.action, "target": p.target or {}, "fields": p.fields or {}}


def validate_proposal(ctx, data) -> tuple[dict | None, dict[str, str]]:
    from ..write.validate import validate

    return validate(data, ctx.known())
