"""Reviewing the patient wording on its own, over real HTTP, on every backend: the queue lists
it, and a reviewer approves, rejects (saying why) or edits it, each action version-checked and
in the audit trail; readers see "Reviewed by" only while that wording is approved."""

from __future__ import annotations

import re
from html import unescape

import pytest

from .reviewing import ReviewSite, csrf_of

REVIEWED = "Reviewed by Dr Reviewer"
PENDING = "Patient wording pending review."


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _api(site: ReviewSite, action: str, role: str = "reviewer", **body):
    return site.client.post(
        f"/api/articles/{site.id}/{action}", json=body, headers=site.bearer(role)
    )


def _approve_clinician(site: ReviewSite) -> int:
    claimed = _api(site, "claim", seen_version=site.article["version"]).json()
    approved = _api(site, "approve", seen_version=claimed["version"]).json()
    assert approved["status"] == "approved", approved
    return approved["version"]


def _patient_page(site: ReviewSite) -> str:
    page = site.client.get(f"/a/{site.article['slug']}?audience=patient")
    assert page.status_code == 200, page.text
    return _text(page.text)


def _trail(site: ReviewSite) -> list[dict]:
    return site.client.get(f"/api/articles/{site.id}/audit", headers=site.bearer("reviewer")).json()


def _form(page_html: str, action: str) -> dict[str, str]:
    """The hidden fields of one form of the patient review page."""
    form = re.search(rf'<form[^>]+action="[^"]+/patient/{action}"(.*?)</form>', page_html, re.S)
    assert form, f"no {action} form on the page"
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form[1]))
    return fields


def test_the_queue_lists_patient_wordings_awaiting_review_until_one_is_approved(site):
    reviewer = site.login("reviewer")
    tab = reviewer.get("/review?view=patient")
    assert site.id not in tab.text  # the clinician wording is not approved yet
    version = _approve_clinician(site)

    tab = reviewer.get("/review?view=patient")
    assert tab.status_code == 200
    assert f"/review/{site.id}/patient" in tab.text
    assert "Patient wording: Pending review" in _text(tab.text)
    assert re.search(r"Patient wordings <span class=\"count\">1</span>", tab.text)

    page = reviewer.get(f"/review/{site.id}/patient")
    fields = _form(page.text, "approve")
    assert fields["seen_version"] == str(version) and fields["seen_revision"] == "0"
    done = reviewer.post(f"/review/{site.id}/patient/approve", data=fields, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert site.id not in reviewer.get("/review?view=patient").text
    assert REVIEWED in _patient_page(site)


def test_rejecting_needs_a_reason_and_takes_reviewed_by_off_the_patient_page(site):
    version = _approve_clinician(site)
    approved = _api(site, "approve-patient", seen_version=version, seen_revision=0)
    assert approved.status_code == 200, approved.text
    assert REVIEWED in _patient_page(site)

    reviewer = site.login("reviewer")
    page = reviewer.get(f"/review/{site.id}/patient")
    fields = _form(page.text, "reject")
    assert fields["seen_revision"] == "1"
    # No reason: refused, and the page comes back with the form.
    refused = reviewer.post(f"/review/{site.id}/patient/reject", data={**fields, "comment": " "})
    assert refused.status_code == 422
    assert "Say why" in _text(refused.text)

    reason = "The plain words drop the once-daily timing"
    done = reviewer.post(
        f"/review/{site.id}/patient/reject",
        data={**fields, "comment": reason},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    patient = _patient_page(site)
    assert REVIEWED not in patient and PENDING in patient
    # The clinician wording keeps its own approval.
    clinician = _text(site.client.get(f"/a/{site.article['slug']}").text)
    assert REVIEWED in clinician
    review = _text(reviewer.get(f"/review/{site.id}/patient").text)
    assert f"Rejected: {reason}" in review
    api = site.client.get(f"/api/articles/{site.id}?audience=patient").json()
    assert api["status"] == "submitted"  # for readers: pending, never "approved"
    entry = [e for e in _trail(site) if e["action"] == "reject_patient"][-1]
    assert entry["detail"]["reason"] == reason
    assert entry["detail"]["status_before"] == "approved"
    # Back in the queue, with why.
    tab = _text(reviewer.get("/review?view=patient").text)
    assert "Patient wording: Rejected" in tab and reason in tab


def test_an_edit_is_checked_like_any_edit_and_awaits_approval(site):
    version = _approve_clinician(site)
    reviewer = site.login("reviewer")
    page = reviewer.get(f"/review/{site.id}/patient")
    fields = {**_form(page.text, "edit"), "csrf_token": csrf_of(page.text)}
    bottom = re.search(r'name="bottom_line"[^>]*>([^<]*)</textarea>', page.text)[1]
    assert "200 mg" in unescape(bottom)

    # A number the evidence lacks: refused, with the text kept on the page.
    wrong = "Take ferrous sulfate 400 mg once a day."
    refused = reviewer.post(
        f"/review/{site.id}/patient/edit", data={**fields, "bottom_line": wrong}
    )
    assert refused.status_code == 422, refused.text
    assert "does not hold 400" in _text(refused.text)
    assert wrong in unescape(refused.text)

    plain = "You will usually take ferrous sulfate 200 mg once a day."
    saved = reviewer.post(
        f"/review/{site.id}/patient/edit",
        data={**fields, "bottom_line": plain, "version_note": "plainer"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    patient = _patient_page(site)
    assert plain in patient and PENDING in patient and REVIEWED not in patient
    review = reviewer.get(f"/review/{site.id}/patient")
    assert "edited by a reviewer" in _text(review.text)
    entry = [e for e in _trail(site) if e["action"] == "edit_patient"][-1]
    assert entry["detail"]["edits"][0]["text"] == plain
    assert entry["version_before"] == entry["version_after"] == version

    # Approving the edited wording approves exactly what was edited.
    done = reviewer.post(
        f"/review/{site.id}/patient/approve",
        data=_form(review.text, "approve"),
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    patient = _patient_page(site)
    assert plain in patient and REVIEWED in patient


def test_a_stale_patient_revision_is_a_conflict(site):
    version = _approve_clinician(site)
    reviewer = site.login("reviewer")
    other = site.login("reviewer2")
    page = reviewer.get(f"/review/{site.id}/patient")
    seen = _form(page.text, "approve")
    # Another reviewer edits the wording after the first opened it.
    edited = _api(
        site,
        "edit-patient",
        role="reviewer2",
        seen_version=version,
        seen_revision=0,
        edits=[{"kind": "edit_bottom_line", "text": "Ferrous sulfate 200 mg once a day."}],
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["bottom_line"]["text"] == "Ferrous sulfate 200 mg once a day."
    stale = reviewer.post(f"/review/{site.id}/patient/approve", data=seen)
    assert stale.status_code == 409
    assert "another reviewer acted on its patient wording" in _text(stale.text)
    assert REVIEWED not in _patient_page(site)
    api = _api(site, "reject-patient", seen_version=version, seen_revision=0, reason="late")
    assert api.status_code == 409 and api.json()["current_version"] == version
    # With the revision now on the page, it goes through.
    fresh = reviewer.get(f"/review/{site.id}/patient")
    assert _form(fresh.text, "approve")["seen_revision"] == "1"
    assert other.get(f"/review/{site.id}/patient").status_code == 200


@pytest.mark.parametrize("role", ["reader", "editor", "admin"])
def test_only_reviewers_act_on_the_patient_wording(site, role):
    version = _approve_clinician(site)
    for action, body in (
        ("approve-patient", {}),
        ("reject-patient", {"reason": "no"}),
        ("edit-patient", {"edits": [{"kind": "edit_bottom_line", "text": "Iron 200 mg."}]}),
    ):
        response = _api(site, action, role=role, seen_version=version, **body)
        assert response.status_code == 403, (action, response.text)
    assert not [e for e in _trail(site) if e["action"].endswith("_patient")]
