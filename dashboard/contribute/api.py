"""The machine interface: ``POST /api/proposals`` (JSON in, 201 with the id and a private tracking
link out) and ``GET /api/proposals/<token>`` (the proposal's status). Documented in the README."""
from __future__ import annotations

from flask import jsonify, request

from ..write.store import STATUS_WORDS
from .propose import validate_proposal


def register(bp, ctx, csrf) -> None:
    store, limiter = ctx.store, ctx.limiter

    @bp.post("/api/proposals")
    @limiter.limit(lambda: ctx.settings.proposal_rate)
    def api_submit():
        if not request.is_json:
            return jsonify(error="Send the proposal as JSON (Content-Type: application/json)."), 415
        data = request.get_json(silent=True)
        if data is None:
            return jsonify(error="The body is not valid JSON."), 400
        if not isinstance(data, dict):
            return jsonify(error="The proposal must be a JSON object.", errors={"_": "expected an object"}), 400
        clean, errors = validate_proposal(ctx, data)
        if errors:
            return jsonify(error="The proposal has fields to correct.", errors=errors), 400
        sent = store.submit(clean)
        body = {"id": sent.proposal.public_id, "status": sent.proposal.status, "created": sent.created}
        if not sent.created:  # the same proposal was sent before: its links were given then
            body["message"] = "This proposal was already sent; it is stored once. Use the tracking link given then."
            return jsonify(body), 200
        site = f"{request.host_url.rstrip('/')}{ctx.prefix}"
        body.update(tracking_url=f"{site}proposals/{sent.token}", status_url=f"{site}api/proposals/{sent.token}")
        return jsonify(body), 201

    @bp.get("/api/proposals/<path:token>")  # any token, slashes too, gets a JSON answer
    def api_status(token: str):
        p = store.by_token(token)
        if p is None:
            return jsonify(error="No proposal has this token."), 404
        return jsonify(id=p.public_id, status=p.status, status_words=STATUS_WORDS.get(p.status, p.status),
                       reason=p.status_reason or "", published_in=p.published_version or "",
                       created_at=p.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"))

    csrf.exempt(api_submit)  # JSON only (a cross-site form cannot send it), no cookie consulted
