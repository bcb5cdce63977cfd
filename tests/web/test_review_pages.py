"""The reviewer's pages over HTTP: queue, review page, edits, decisions, versions, audit."""

from __future__ import annotations

import json
import re

from ..review.conftest import GUIDELINE
from .test_escaping import assert_inert

TEXTAREA = re.compile(r'name="(text-\d+-\d+)"[^>]*>([^<]*)</textarea>')
UNSUPPORTED = "Continue oral iron for 3 months, at up to 650 mg of ferrous sulfate."


def _bullets(html: str) -> dict[str, str]:
    """The edit form's bullet fields and their text, as the page shows them (unescaped)."""
    from html import unescape

    return {name: unescape(text) for name, text in TEXTAREA.findall(html)}


def _claimed(site, role: str = "reviewer"):
    client = site.login(role)
    form = {"csrf_token": client.csrf, "seen_version": "1"}
    response = client.post(f"/review/{site.id}/claim", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/{site.id}?done=claim"
    return client


def _form(client, version: int, **fields) -> dict[str, str]:
    return {"csrf_token": client.csrf, "seen_version": str(version), **fields}


def test_queue_lists_open_articles_and_filters_by_status_and_topic(site):
    reviewer = site.login("reviewer")
    queue = reviewer.get("/review").text
    assert site.article["question"] in queue and "Submitted" in queue
    assert site.article["question"] in reviewer.get("/review?topic=IRON").text
    assert "Nothing here about" in reviewer.get("/review?topic=warfarin").text
    assert site.article["question"] not in reviewer.get("/review?status=approved").text
    assert reviewer.get("/review?status=bogus").status_code == 422
    _claimed(site)
    under_review = reviewer.get("/review?status=under_review").text
    assert site.article["question"] in under_review and "Dr Reviewer" in under_review
    assert "reviewer@example.org" not in under_review  # people by name, not email


def test_review_page_shows_each_bullet_beside_its_evidence(site):
    reviewer = site.login("reviewer")
    page = reviewer.get(f"/review/{site.id}").text
    assert "Claim for review" in page and 'name="text-0-0"' not in page  # claim first
    page = _claimed(site).get(f"/review/{site.id}?done=claim").text
    assert "You claimed this article" in page and "Under review" in page
    for s, section in enumerate(site.article["sections"]):
        for b, bullet in enumerate(section["bullets"]):
            row = page.split(f'id="bullet-{s}-{b}"')[1].split('class="review-row')[0]
            assert f'name="text-{s}-{b}"' in row
            evidence = row.split('class="review-evidence"')[1]
            assert bullet["evidence"][0]["quote"].lstrip("- ")[:40] in evidence
    for action in ("approve", "request_changes", "reject", "edit"):
        assert f'data-action="{action}"' in page
    assert 'data-action="claim"' not in page


def test_claim_edit_approve_shows_on_the_public_page_at_once(site):
    slug_url = f"/a/{site.article['slug']}"
    # Until approved, the reader who asked sees it, and nobody else.
    assert "Pending human review" in site.client.get(slug_url, headers=site.bearer("reader")).text
    # Cached, and trusted for an hour: only the action's invalidation can refresh it.
    site.client.app.state.web.article_pages.revalidate_after = 3600.0
    assert site.client.get(slug_url).status_code == 404
    reviewer = _claimed(site)
    original = _bullets(reviewer.get(f"/review/{site.id}").text)
    edited = original["text-0-0"] + " Take it with water."
    saved = reviewer.post(
        f"/review/{site.id}/edit",
        data=_form(reviewer, 1, **{**original, "text-0-0": edited}, note="Check ferritin too."),
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=edit")
    approved = reviewer.post(
        f"/review/{site.id}/approve", data=_form(reviewer, 2, comment="Agrees with BSH 2019.")
    )
    assert "Approved. Readers now see this version" in approved.text
    public = site.client.get(slug_url).text  # no wait: the action invalidated the cache
    assert "Reviewed by Dr Reviewer, MD, haematology</strong>, approved on" in public
    assert "Pending human review" not in public
    assert "Take it with water." in public and "Check ferritin too." in public
    state = site.client.get(f"/api/articles/{site.id}/review").json()
    assert state["status"] == "approved" and state["shown_version"] == 2
    assert state["approvals"][0]["reviewer_name"] == "Dr Reviewer"
    # Public now, so cached: a reviewer's next actions must show at once all the same.
    site.reingest(GUIDELINE.replace("4 weeks", "2 to 4 weeks"))  # back to review
    form = _form(reviewer, 2)
    assert reviewer.post(f"/review/{site.id}/claim", data=form).status_code == 200
    reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 2, note="Re-checked."))
    public = site.client.get(slug_url).text
    assert "A newer version of this answer awaits review" in public
    assert "Take it with water." in public and "Re-checked." not in public


def test_a_number_absent_from_the_evidence_needs_a_reason_then_shows_as_an_addition(site):
    reviewer = _claimed(site)
    url = f"/review/{site.id}/edit"
    refused = reviewer.post(url, data=_form(reviewer, 1, **{"text-0-0": UNSUPPORTED}))
    assert refused.status_code == 422
    assert "the cited evidence does not hold 650 mg." in refused.text
    assert "Not in the evidence: 650 mg" in refused.text  # beside the bullet
    assert _bullets(refused.text)["text-0-0"] == UNSUPPORTED  # the reviewer's text is kept
    assert 'id="reason-0-0"' in refused.text
    reason = "Local formulary: 650 mg tablets in stock."
    fields = {"text-0-0": UNSUPPORTED, "reason-0-0": reason}
    saved = reviewer.post(url, data=_form(reviewer, 1, **fields), follow_redirects=False)
    assert saved.status_code == 303
    reviewer.post(f"/review/{site.id}/approve", data=_form(reviewer, 2))
    public = site.client.get(f"/a/{site.article['slug']}").text
    assert UNSUPPORTED in public
    assert "Reviewer’s addition</strong> (650 mg not in the cited evidence)" in public
    assert reason in public
    patient = site.client.get(f"/a/{site.article['slug']}?audience=patient").text
    assert "Reviewer’s addition" in patient


def test_remove_reorder_and_note_are_saved_as_one_version_each(site):
    reviewer = _claimed(site)
    bullets = site.article["sections"][0]["bullets"]
    assert len(bullets) >= 2, "the fixture answer needs two bullets in its first section"
    first, second = bullets[0]["text"], bullets[1]["text"]
    # The new order is a field of the form: one save, one version, however many moves.
    order = {"position-0-0": "2", "position-0-1": "1"}
    moved = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, **order))
    after = _bullets(moved.text)
    assert after["text-0-0"] == second and after["text-0-1"] == first
    assert 'name="position-0-0" min="1" max="' in moved.text and "Version 2" in moved.text
    removed = reviewer.post(
        f"/review/{site.id}/edit", data=_form(reviewer, 2, **{"remove-0-0": "1"})
    )
    assert second not in _bullets(removed.text).values()
    noted = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 3, note="Mind the gap."))
    assert "Mind the gap." in noted.text
    versions = reviewer.get(f"/review/{site.id}/versions").text
    assert all(f"Version {n}" in versions for n in (1, 2, 3, 4))
    diff = reviewer.get(f"/review/{site.id}/diff", params={"old": 2, "new": 3}).text
    assert '<del><span class="visually-hidden">Removed: </span>' + second[:30] in diff
    assert reviewer.get(f"/review/{site.id}/diff?old=1&new=9").status_code == 404
    nothing = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 4))
    assert nothing.status_code == 422 and "no changes to apply" in nothing.text


def test_two_reviewers_at_once_one_applies_the_other_keeps_their_text(site):
    first = _claimed(site, "reviewer")
    second = site.login("reviewer2")
    texts = [b["text"] for b in site.article["sections"][0]["bullets"]]
    mine = {"text-0-1": texts[1] + " Mine, from the first reviewer."}
    theirs = {
        "text-0-0": texts[0] + " Theirs, untouched meanwhile.",
        "text-0-1": texts[1] + " Theirs, on a bullet that changed.",
        "note": "Their note.",
    }
    ok = first.post(f"/review/{site.id}/edit", data=_form(first, 1, **mine), follow_redirects=False)
    assert ok.status_code == 303
    lost = second.post(f"/review/{site.id}/edit", data=_form(second, 1, **theirs))
    assert lost.status_code == 409
    assert "changed since you opened it" in lost.text and "Your change was not applied" in lost.text
    assert "Your changes that were not applied" in lost.text
    assert 'name="seen_version" value="2"' in lost.text  # the form is now on version 2
    # Everything they typed is on the page; what still fits the new version is in the form.
    form = _bullets(lost.text)
    assert form["text-0-0"] == theirs["text-0-0"]
    assert form["text-0-1"] == texts[1] + " Mine, from the first reviewer."
    assert "Theirs, on a bullet that changed." in lost.text and "apply this by hand" in lost.text
    assert '<textarea id="note" name="note" rows="3" maxlength="4000">Their note.' in lost.text
    resent = second.post(
        f"/review/{site.id}/edit",
        data=_form(second, 2, **{"text-0-0": form["text-0-0"]}, note="Their note."),
        follow_redirects=False,
    )
    assert resent.status_code == 303
    # A decision on a stale version keeps its comment in the box.
    stale = second.post(
        f"/review/{site.id}/approve", data=_form(second, 2, comment="My careful comment.")
    )
    assert stale.status_code == 409 and "My careful comment." in stale.text
    audit = first.get(f"/review/{site.id}/audit").text
    assert audit.count("conflict") >= 2 and "Theirs, on a bullet that changed." in audit


def test_request_changes_and_reject_are_recorded_and_shown(site):
    reviewer = _claimed(site)
    asked = reviewer.post(
        f"/review/{site.id}/request-changes", data=_form(reviewer, 1, comment="Cite BNF.")
    )
    assert "Changes requested." in asked.text and "Changes requested" in asked.text
    reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, note="Cited."))
    rejected = reviewer.post(f"/review/{site.id}/reject", data=_form(reviewer, 2, comment="No."))
    assert "Rejected." in rejected.text
    url = f"/a/{site.article['slug']}"
    asker = site.client.get(url, headers=site.bearer("reader")).text
    assert "Rejected after review" in asker and "Pending human review" not in asker
    assert site.client.get(url).status_code == 404  # never approved: never public
    actions = [e["action"] for e in reviewer.get(f"/api/articles/{site.id}/audit").json()]
    assert actions == ["claim", "request_changes", "edit", "reject"]


def test_audit_page_and_export_hold_every_action(site):
    reviewer = _claimed(site)
    reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, note="A note."))
    reviewer.post(f"/review/{site.id}/approve", data=_form(reviewer, 2, comment="Fine."))
    page = reviewer.get(f"/review/{site.id}/audit").text
    sentences = (
        "Dr Reviewer claimed version 1 for review.",
        "Dr Reviewer saved version 2: added a note.",
        "Dr Reviewer approved version 2.",
        "Under review → Approved",
        "Fine.",
        "A note.",
    )
    for expected in sentences:
        assert expected in page, expected
    # People by name and details in words: no email, no JSON on the page.
    assert "reviewer@example.org" not in page and "&#34;kind&#34;" not in page
    export = site.login("admin").get(f"/review/audit.jsonl?article={site.id}")
    assert export.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in export.headers["content-disposition"]
    entries = [json.loads(line) for line in export.text.splitlines()]
    assert [e["action"] for e in entries] == ["claim", "edit", "approve"]
    assert [(e["version_before"], e["version_after"]) for e in entries] == [(1, 1), (1, 2), (2, 2)]
    assert all(e["actor"] == "reviewer@example.org" and e["at"] for e in entries)
    everything = reviewer.get("/review/audit.jsonl").text.splitlines()
    assert len(everything) > len(entries)  # sign-ins and account changes too


def test_hostile_text_in_edits_notes_and_comments_is_escaped_everywhere(site):
    hostile = "<script>alert('x')</script><img src=x onerror=alert('y')>"  # no digits: no numbers
    reviewer = _claimed(site)
    text = site.article["sections"][0]["bullets"][0]["text"] + " " + hostile
    fields = {"text-0-0": text, "note": hostile, "version_note": hostile}
    reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, **fields))
    reviewer.post(f"/review/{site.id}/request-changes", data=_form(reviewer, 2, comment=hostile))
    reviewer.post(
        f"/review/{site.id}/edit",
        data=_form(reviewer, 2, **{"text-0-0": UNSUPPORTED, "reason-0-0": hostile}),
    )
    question = {"question": hostile + " What oral iron dose treats iron deficiency anaemia?"}
    assert site.client.post("/api/ask", json=question).status_code == 200  # in the queue
    conflict = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, **fields))
    assert conflict.status_code == 409
    assert_inert(conflict.text)
    pages = [
        "/review?view=all",  # the hostile question may be answered or abstained
        f"/review/{site.id}",
        f"/review/{site.id}/versions",
        f"/review/{site.id}/diff?old=1&new=3",
        f"/review/{site.id}/audit",
        f"/a/{site.article['slug']}",
    ]
    for url in pages:
        response = reviewer.get(url)
        assert response.status_code == 200, url
        assert_inert(response.text)
        assert "&lt;script&gt;" in response.text, url
    assert_inert(site.client.get(f"/a/{site.article['slug']}").text)


def test_board_lists_reviewers_and_policy_is_the_setting(make_client, tmp_path, cheap_argon2):
    from curbside.review import accounts

    policy = "Reviewed by **two** physicians.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    client = make_client(editorial_policy=policy)
    store = client.app.state.web.rt.store
    assert "No reviewers have been appointed" in client.get("/about/board").text
    accounts.create_user(
        store,
        accounts.OPERATOR,
        email="hidden@example.org",
        name="Dr <b>Grace</b> Hopper",
        role="reviewer",
        credentials="MD, FRCP (haematology)",
    )
    accounts.create_user(store, accounts.OPERATOR, email="e@example.org", name="Ed", role="editor")
    board = client.get("/about/board").text
    assert "Dr &lt;b&gt;Grace&lt;/b&gt; Hopper" in board and "MD, FRCP (haematology)" in board
    main = board.split("<main")[1].split("</main>")[0]
    assert "hidden@example.org" not in board and "Ed" not in main
    assert client.get("/api/board").json() == [
        {"name": "Dr <b>Grace</b> Hopper", "credentials": "MD, FRCP (haematology)"}
    ]
    page = client.get("/about/editorial-policy").text
    assert "Reviewed by <strong>two</strong> physicians." in page
    assert_inert(page)
    assert 'href="javascript:' not in page  # markdown-it leaves such a link as text
    assert 'href="/about/board"' in client.get("/").text
