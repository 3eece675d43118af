"""Reviewers: signing in and out, the queue, one proposal with its diff and the open proposals on the
same row side by side, accepting / rejecting / asking for changes, deleting a proposer's contact
details, publishing, and the audit log. Nobody signed out reaches any of it."""
from __future__ import annotations

import functools
import json
import logging
import threading
from urllib.parse import urlsplit

from flask import flash, redirect, request, session

from ..write.diff import diff, summary
from ..write.publish import publish, publishing_now
from ..write.store import StoreError
from ..write.store import STATUS_WORDS
from .propose import proposal_dict

log = logging.getLogger(__name__)
TABS = [("pending", "Waiting"), ("changes_requested", "Changes asked"), ("accepted", "Accepted"),
        ("published", "Published"), ("rejected", "Rejected")]


def current_reviewer() -> str | None:
    try:
        return session.get("reviewer")
    except RuntimeError:
        return None


def _about(p, atlas) -> str:
    t = p.target or {}
    if "priority_id" in t:
        rows = atlas.priorities[atlas.priorities.priority_id == t["priority_id"]]
        return f"{rows.iloc[0].title if not rows.empty else t['priority_id']} ({t['priority_id']})"
    if "partnership_id" in t:
        return f"{t.get('nuts_id', '')} in {t['partnership_id']}"
    if "strategy_id" in t:
        sid = t["strategy_id"]
        return f"{atlas.strategies.at[sid, 'title'] if sid in atlas.strategies.index else sid} ({sid})"
    if "nuts_id" in t:
        return atlas.region_name(t["nuts_id"]) if t["nuts_id"] in atlas.regions.index else t["nuts_id"]
    return ""


def _safe_next(value: str, prefix: str) -> str:
    """Only a path of this site after signing in (never another site's address)."""
    parts = urlsplit(value or "")
    if parts.scheme or parts.netloc or not (value or "").startswith(prefix) or value.startswith("//"):
        return f"{prefix}review"
    return value


class Publisher:
    """Publishing in a thread of its own, so the request that starts it answers at once (rebuilding
    and embedding take up to a minute, longer than a server lets a request run). One at a time in
    this process; the write model's lock keeps it one at a time across processes and replicas."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.lock = threading.Lock()
        self.running: str | None = None  # who started the one running
        self.last: str = ""  # what the last one here came to

    def start(self, reviewer: str) -> bool:
        with self.lock:
            if self.running:
                return False
            self.running = reviewer
        threading.Thread(target=self._run, args=(reviewer,), name="publish", daemon=True).start()
        return True

    def _run(self, reviewer: str) -> None:
        s = self.ctx.settings
        try:
            done = publish(self.ctx.store, self.ctx.atlas, reviewer, base_dir=s.data_dir,
                           contributions_dir=s.contributions_dir, var_dir=s.var_dir)
            self.ctx.atlas.switch_now(done.folder)  # this worker at once; the others within a second
            self.last = (f"Published {len(done.proposals)} proposal{'s' if len(done.proposals) != 1 else ''} "
                         f"as snapshot {done.version}.")
        except Exception as exc:  # a source fault names its file, row and column; nothing is half-published
            log.exception("publishing failed")
            self.last = f"Not published: the snapshot could not be rebuilt ({exc}). Nothing was changed."
        finally:
            with self.lock:
                self.running = None

    def state(self) -> dict:
        running = bool(self.running) or publishing_now(self.ctx.settings.var_dir)  # here, or another worker
        return {"running": running, "by": self.running or "another reviewer or worker", "last": self.last}


def register(bp, ctx) -> None:
    atlas, store, limiter, prefix = ctx.atlas, ctx.store, ctx.limiter, ctx.prefix

    def signed_in(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_reviewer():
                return redirect(f"{prefix}sign-in?next={request.full_path.rstrip('?')}", 303)
            return view(*args, **kwargs)
        return wrapped

    @bp.get("/sign-in")
    def sign_in_page():
        return ctx.render("sign_in.html", title="Reviewers sign in", next=_safe_next(request.args.get("next", ""), prefix),
                          name="", error="")

    @bp.post("/sign-in")
    @limiter.limit(lambda: ctx.settings.sign_in_rate)
    def sign_in():
        name = (request.form.get("name") or "")[:200]
        reviewer = store.check_password(name, (request.form.get("password") or "")[:1000])
        nxt = _safe_next(request.form.get("next", ""), prefix)
        if reviewer is None:
            return ctx.render("sign_in.html", 401, title="Reviewers sign in", next=nxt, name=name,
                              error="The name or the password is wrong.")
        session.clear()  # a new session at sign-in (no fixation)
        session.permanent = True
        session["reviewer"] = reviewer.name
        return redirect(nxt, 303)

    @bp.post("/sign-out")
    def sign_out():
        session.clear()
        return redirect(f"{prefix}sign-in", 303)

    @bp.get("/review")
    @signed_in
    def queue():
        status = request.args.get("status", "pending")
        if status not in dict(TABS):
            status = "pending"
        counts = store.counts() if hasattr(store, "counts") else {}
        rows = [(p, _about(p, atlas)) for p in store.queue([status])]
        return ctx.render("queue.html", title="Review queue", tabs=TABS, tab=status, counts=counts, rows=rows,
                          status_words=STATUS_WORDS, accepted_count=len(store.accepted()),
                          publishing=publisher.state())

    def detail_page(public_id: str, status: int = 200, error: str = ""):
        p = store.get(public_id)
        if p is None:
            return ctx.render("message.html", 404, title="No such proposal", message="There is no proposal with this number.",
                              back=f"{prefix}review")
        changes = diff(proposal_dict(p), atlas)
        related = [(r, diff(proposal_dict(r), atlas)) for r in store.related(p)]
        return ctx.render("detail.html", status, title=f"Proposal {p.public_id}", p=p, about=_about(p, atlas),
                          changes=changes, counts=summary(changes) if p.kind == "bulk" else None, related=related,
                          audit=store.audit(p.public_id), status_words=STATUS_WORDS, error=error)

    @bp.get("/review/<public_id>")
    @signed_in
    def detail(public_id: str):
        return detail_page(public_id)

    @bp.post("/review/<public_id>/act")
    @signed_in
    def act(public_id: str):
        action = request.form.get("action", "")
        reason = (request.form.get("reason") or "").strip()[:2000]
        words = {"accept": "accepted", "reject": "rejected", "request_changes": "sent back for changes"}
        if action not in words:
            return detail_page(public_id, 400, error="Choose accept, reject or ask for changes.")
        try:
            store.act(public_id, current_reviewer(), action, reason)
        except StoreError as exc:
            return detail_page(public_id, 400, error=str(exc))
        flash(f"Proposal {public_id} {words[action]}.")  # kept in the session: a link cannot put words here
        return redirect(f"{prefix}review/{public_id}", 303)

    @bp.post("/review/<public_id>/delete-contact")
    @signed_in
    def delete_contact(public_id: str):
        try:
            store.delete_contact(public_id, current_reviewer())
        except StoreError as exc:
            return detail_page(public_id, 400, error=str(exc))
        flash("The proposer's name and e-mail address are deleted (the organisation stays, as the contributor).")
        return redirect(f"{prefix}review/{public_id}", 303)

    publisher = Publisher(ctx)

    @bp.post("/review/publish")
    @signed_in
    def publish_now():
        if publisher.start(current_reviewer()):
            flash("Publishing has started: the snapshot is being rebuilt with the accepted proposals (about a minute). "
                  "Every server switches to it when it is ready; this page says when.")
        else:
            flash("A publication is already running; this page says when it is done.")
        return redirect(f"{prefix}review?status=accepted", 303)

    @bp.get("/review/audit")
    @signed_in
    def audit():
        entries = store.audit()
        for e in entries:
            e.detail_text = json.dumps(e.detail, ensure_ascii=False)[:500] if e.detail else ""
        return ctx.render("audit.html", title="Audit log", entries=entries)
