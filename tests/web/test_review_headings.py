"""The review form beyond bullets: the bottom line, section titles, the order, and layout."""

from __future__ import annotations

import re
from html import unescape

from .test_review_pages import _claimed, _form

BOTTOM = re.compile(r'name="bottom_line"[^>]*>([^<]*)</textarea>')


def _bottom_line(html: str) -> str:
    return unescape(BOTTOM.search(html)[1])


def test_a_bottom_line_with_a_number_the_evidence_lacks_is_refused_until_a_reason(site):
    reviewer = _claimed(site)
    page = reviewer.get(f"/review/{site.id}").text
    original = _bottom_line(page)
    assert original == site.article["bottom_line"]["text"]
    assert re.search(r"\b200 mg\b", original), "the fixture's bottom line must hold 200 mg"
    wrong = original.replace("200 mg", "650 mg")
    refused = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, bottom_line=wrong))
    assert refused.status_code == 422
    assert "the cited evidence does not hold 650 mg" in refused.text
    assert 'id="missing-bl">Not in the evidence: 650 mg' in refused.text  # beside it
    assert _bottom_line(refused.text) == wrong  # what they typed is kept
    assert "Version 1" in reviewer.get(f"/review/{site.id}/versions").text
    assert "Version 2" not in reviewer.get(f"/review/{site.id}/versions").text
    fields = {"bottom_line": wrong, "bottom_line_reason": "Local formulary stocks 650 mg."}
    saved = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, **fields))
    assert saved.status_code == 200 and _bottom_line(saved.text) == wrong
    reviewer.post(f"/review/{site.id}/approve", data=_form(reviewer, 2))
    public = site.client.get(f"/a/{site.article['slug']}").text
    bottom = public.split('class="bottom-line"')[1].split("</section>")[0]
    assert wrong in bottom and "(650 mg not in the cited evidence)" in bottom
    assert "Local formulary stocks 650 mg." in bottom


def test_a_section_title_is_edited_under_the_same_rule(site):
    reviewer = _claimed(site)
    title = site.article["sections"][0]["title"]
    refused = reviewer.post(
        f"/review/{site.id}/edit", data=_form(reviewer, 1, **{"title-0": "Within 48 hours"})
    )
    assert refused.status_code == 422 and "Not in the evidence: 48 hour" in refused.text
    assert 'name="title-0" type="text" maxlength="200" value="Within 48 hours"' in refused.text
    renamed = reviewer.post(
        f"/review/{site.id}/edit", data=_form(reviewer, 1, **{"title-0": "Oral iron"})
    )
    assert renamed.status_code == 200
    assert '<h2 id="rs-0">Oral iron</h2>' in renamed.text and title not in renamed.text


def test_wording_order_and_title_changes_save_together_as_one_version(site):
    reviewer = _claimed(site)
    section = site.article["sections"][0]
    texts = [b["text"] for b in section["bullets"]]
    last = len(texts)
    fields = {f"position-0-{last - 1}": "1", "title-0": "Oral iron", "text-0-0": texts[0] + " Ok."}
    saved = reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, **fields))
    assert saved.status_code == 200
    stored = site.client.get(f"/api/articles/{site.id}", headers=site.bearer("reviewer")).json()
    assert stored["version"] == 2
    moved = [b["text"] for b in stored["sections"][0]["bullets"]]
    assert moved == [texts[-1], texts[0] + " Ok.", *texts[1:-1]]
    assert stored["sections"][0]["title"] == "Oral iron"
    # A position that is no number leaves the bullet where it was: nothing to save.
    nothing = reviewer.post(
        f"/review/{site.id}/edit", data=_form(reviewer, 2, **{"position-0-0": "first"})
    )
    assert nothing.status_code == 422 and "no changes to apply" in nothing.text


def test_decisions_come_after_the_content_and_scripts_are_files(site):
    page = _claimed(site).get(f"/review/{site.id}").text
    last_bullet = page.rindex('class="review-row review-bullet')
    for action in ("approve", "request_changes", "reject"):
        assert page.index(f'data-action="{action}"') > last_bullet, action
    assert page.index('data-action="edit"') < page.index('data-action="approve"')
    assert "/static/review.js?v=" in page
    assert "<script>" not in page and " onclick=" not in page  # the CSP allows no inline script
    script = site.client.get("/static/review.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    # Without JavaScript the move buttons stay hidden: the position fields order the bullets.
    assert re.search(r'data-move="up" hidden>', page)


def test_approval_and_the_demonstration_notice_are_one_statement(site):
    from curbside.review import views

    reviewer = _claimed(site)
    pages = site.client.app.state.web.pages
    pending = views.reader_view(site.store, site.id)
    demo = pending.article.model_copy(update={"metadata": {"demonstration": True}})

    def banners(view) -> list[str]:
        html = pages.render_article(demo, view, site.article["slug"])
        return re.findall(r'<p class="banner ([\w-]+)"[^>]*>(.*?)</p>', html, re.S)

    [(kind, text)] = banners(pending)
    assert kind == "banner-review" and "not clinically reviewed" in text
    reviewer.post(f"/review/{site.id}/approve", data=_form(reviewer, 1))
    [(kind, text)] = banners(views.reader_view(site.store, site.id))
    assert kind == "banner-approved"
    assert text.startswith("<strong>Reviewed by Dr Reviewer, MD, haematology</strong>")
    assert "The reviewer checked this answer against the documents it cites" in text
    assert text.count("not clinically reviewed") == 1


def test_a_bottom_line_edit_lost_to_a_conflict_is_kept_on_the_page(site):
    first = _claimed(site, "reviewer")
    second = site.login("reviewer2")
    ok = first.post(f"/review/{site.id}/edit", data=_form(first, 1, note="First."))
    assert ok.status_code == 200
    mine = site.article["bottom_line"]["text"] + " Mine."
    lost = second.post(f"/review/{site.id}/edit", data=_form(second, 1, bottom_line=mine))
    assert lost.status_code == 409
    assert "The bottom line was: " in lost.text and "(back in the form)" in lost.text
    assert _bottom_line(lost.text) == mine


def test_a_title_kept_with_a_reason_shows_its_addition_in_both_wordings(site):
    reviewer = _claimed(site)
    title = "Iron taken orally within 48 hours"  # "by mouth" in patient wording
    fields = {"title-0": title, "title_reason-0": "Ward protocol 7."}
    assert reviewer.post(f"/review/{site.id}/edit", data=_form(reviewer, 1, **fields)).is_success
    reviewer.post(f"/review/{site.id}/approve", data=_form(reviewer, 2))
    for audience in ("clinician", "patient"):
        page = site.client.get(f"/a/{site.article['slug']}?audience={audience}").text
        section = page.split('id="section-1"')[1].split('class="bullets"')[0]
        assert "(48 hour not in the cited evidence): Ward protocol 7." in section, audience
