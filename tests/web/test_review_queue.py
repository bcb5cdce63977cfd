"""The review queue over HTTP: tabs, follow-ups under their parent, names, bulk set-aside and
its undo, with roles, CSRF and the audit trail."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from .conftest import ABSTAIN_QUESTION

FOLLOW_UP = "How long should oral iron treatment continue after the haemoglobin is normal?"
ROW = re.compile(r'<tr class="queue-item( queue-follow-up)?">(.*?)</tr>', re.S)


def _ask(site, question: str, **more) -> dict:
    response = site.client.post(
        "/api/ask", json={"question": question, **more}, headers=site.bearer("reader")
    )
    assert response.status_code == 200, response.text
    return response.json()


def _rows(html: str) -> list[tuple[bool, str]]:
    """(is a follow-up, row html) for every row of the queue, in page order."""
    return [(bool(follow), body) for follow, body in ROW.findall(html)]


def _set_aside(client, ids: list[str], reason: str, **more):
    form = {"csrf_token": client.csrf, "article_id": ids, "reason": reason, **more}
    return client.post("/review/set-aside", data=form, follow_redirects=False)


def _audit(site, article_id: str) -> list[dict]:
    export = site.login("admin").get(f"/review/audit.jsonl?article={article_id}").text
    return [json.loads(line) for line in export.splitlines()]


def test_answers_and_abstentions_have_their_own_tabs(site):
    abstained = _ask(site, ABSTAIN_QUESTION)
    assert abstained["abstained"]
    reviewer = site.login("reviewer")
    answers = reviewer.get("/review").text
    assert site.article["question"] in answers and ABSTAIN_QUESTION not in answers
    abstentions = reviewer.get("/review?view=abstentions").text
    assert ABSTAIN_QUESTION in abstentions and site.article["question"] not in abstentions
    # Each tab says how many it holds, under the same filters.
    counts = dict(re.findall(r'view=(\w+)"[^>]*>[^<]*<span class="count">(\d+)</span>', answers))
    assert counts == {"answers": "1", "abstentions": "1", "set_aside": "0", "patient": "0"}
    assert reviewer.get("/review?view=bogus").status_code == 422


def test_a_follow_up_is_listed_under_the_question_it_follows(site):
    follow = _ask(site, FOLLOW_UP, follow_up_of=site.id)
    assert follow["follow_up_of"] == site.id
    html = site.login("reviewer").get("/review").text
    rows = _rows(html)
    questions = [
        (is_follow, site.article["question"] in body, FOLLOW_UP in body) for is_follow, body in rows
    ]
    parent_at = next(i for i, (_, parent, _) in enumerate(questions) if parent)
    assert questions[parent_at + 1] == (True, False, True)  # right below, marked as follow-up
    assert "Follow-up:" in rows[parent_at + 1][1]


def test_a_follow_up_whose_parent_is_elsewhere_names_it(site):
    follow = _ask(site, FOLLOW_UP, follow_up_of=site.id)
    reviewer = site.login("reviewer")
    _set_aside(reviewer, [site.id], "parent handled elsewhere")
    rows = _rows(reviewer.get("/review").text)
    [(is_follow, body)] = [r for r in rows if FOLLOW_UP in r[1]]
    assert not is_follow and f"Follows “{site.article['question']}”" in body
    assert follow["id"] in body


def test_bulk_set_aside_takes_questions_out_and_undo_puts_them_back(site):
    abstained = _ask(site, ABSTAIN_QUESTION)
    reviewer = site.login("reviewer")
    ids = [site.id, abstained["id"]]
    response = _set_aside(reviewer, ids, "  test   questions ", view="abstentions")
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    query = parse_qs(target.query)
    assert target.path == "/review" and query["done"] == ["set_aside"]
    assert sorted(query["undo"][0].split(",")) == sorted(ids) and query["count"] == ["2"]
    page = reviewer.get(response.headers["location"]).text
    assert "2 questions set aside." in page and 'id="undo-set-aside"' in page
    assert ABSTAIN_QUESTION not in page.split('class="notice"')[1]  # gone from its tab
    assert site.article["question"] not in reviewer.get("/review").text
    aside = reviewer.get("/review?view=set_aside").text
    assert site.article["question"] in aside and ABSTAIN_QUESTION in aside
    assert "Set aside by Dr Reviewer" in aside and "“test questions”" in aside
    # Setting aside is triage: the status a reader (or the API) sees is unchanged.
    state = site.client.get(f"/api/articles/{site.id}", headers=site.bearer("reviewer")).json()
    assert state["status"] == "submitted"
    for article_id in ids:
        [entry] = [e for e in _audit(site, article_id) if e["action"] == "set_aside"]
        assert entry["actor"] == "reviewer@example.org"
        assert entry["detail"]["reason"] == "test questions"

    undo = page.split('action="/review/restore"')[1].split("</form>")[0]
    undo_ids = re.findall(r'name="article_id" value="([^"]+)"', undo)
    form = {"csrf_token": reviewer.csrf, "article_id": undo_ids, "view": "abstentions"}
    restored = reviewer.post("/review/restore", data=form, follow_redirects=False)
    assert restored.status_code == 303
    assert "2 questions back in the queue." in reviewer.get(restored.headers["location"]).text
    assert site.article["question"] in reviewer.get("/review").text
    assert ABSTAIN_QUESTION in reviewer.get("/review?view=abstentions").text
    assert "Nothing here" in reviewer.get("/review?view=set_aside").text
    for article_id in ids:
        [entry] = [e for e in _audit(site, article_id) if e["action"] == "restore"]
        assert entry["detail"] == {"reason_was": "test questions"}
    trail = reviewer.get(f"/review/{site.id}/audit").text
    assert "Dr Reviewer set it aside, out of the review queue: “test questions”." in trail
    assert "Dr Reviewer put it back in the review queue." in trail


def test_set_aside_without_a_reason_or_a_choice_keeps_what_was_chosen(site):
    reviewer = site.login("reviewer")
    refused = _set_aside(reviewer, [site.id], "   ")
    assert refused.status_code == 422 and "Say why" in refused.text
    assert re.search(rf'value="{site.id}" id="pick-{site.id}" form="bulk" checked', refused.text)
    nothing = _set_aside(reviewer, [], "junk")
    assert nothing.status_code == 422 and "Choose at least one question" in nothing.text
    assert 'value="junk"' in nothing.text  # the reason is still typed
    long = _set_aside(reviewer, [site.id], "x" * 501)
    assert long.status_code == 422 and "at most 500 characters; yours has 501" in long.text
    assert not [e for e in _audit(site, site.id) if e["action"] == "set_aside"]


def test_set_aside_needs_a_reviewer_and_the_sessions_csrf_token(site):
    anonymous = site.browser()
    assert anonymous.post("/review/set-aside", data={"article_id": site.id}).status_code == 401
    queue = anonymous.get("/review", follow_redirects=False)
    assert queue.status_code == 303 and queue.headers["location"].startswith("/login?next=")
    for role in ("admin", "editor", "reader"):
        client = site.login(role)
        assert _set_aside(client, [site.id], "junk").status_code == 403, role
        assert (
            client.post(
                "/review/restore", data={"csrf_token": client.csrf, "article_id": site.id}
            ).status_code
            == 403
        ), role
    assert site.login("editor").get("/review").status_code == 403
    admin_view = site.login("admin").get("/review").text  # administrators oversee
    assert site.article["question"] in admin_view and 'action="/review/set-aside"' not in admin_view
    reviewer = site.login("reviewer")
    for token in (None, "forged"):
        form = {"article_id": site.id, "reason": "junk"} | ({"csrf_token": token} if token else {})
        assert reviewer.post("/review/set-aside", data=form).status_code == 403
        assert reviewer.post("/review/restore", data=form).status_code == 403
    with_token = site.client.post(
        "/review/set-aside",
        data={"article_id": site.id, "reason": "junk"},
        headers=site.bearer("reviewer"),
        follow_redirects=False,
    )
    assert with_token.status_code == 303  # a bearer token is never sent by a browser on its own
    assert not [e for e in _audit(site, site.id) if e["action"] == "restore"]


def test_the_api_queue_leaves_set_aside_questions_out_and_names_the_claimer(site):
    reviewer = site.login("reviewer")
    claim = {"csrf_token": reviewer.csrf, "seen_version": "1"}
    assert reviewer.post(f"/review/{site.id}/claim", data=claim).status_code == 200
    [item] = site.client.get("/api/review/queue", headers=site.bearer("reviewer")).json()
    assert (item["claimed_by"], item["claimed_by_name"]) == ("reviewer@example.org", "Dr Reviewer")
    _set_aside(reviewer, [site.id], "duplicate")
    assert site.client.get("/api/review/queue", headers=site.bearer("reviewer")).json() == []
    aside = site.client.get(
        "/api/review/queue", params={"view": "set_aside"}, headers=site.bearer("reviewer")
    ).json()
    assert [(i["id"], i["set_aside_reason"]) for i in aside] == [(site.id, "duplicate")]


def test_the_reviewers_home_page_counts_the_answers_tab(site):
    _ask(site, ABSTAIN_QUESTION)
    reviewer = site.login("reviewer")
    assert "1 answer awaiting review" in reviewer.get("/").text  # not the abstention
    _set_aside(reviewer, [site.id], "junk")
    assert "0 answers awaiting review" in reviewer.get("/").text
